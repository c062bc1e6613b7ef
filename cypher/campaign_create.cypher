// A saved campaign: the event, the venue and radius its list was drawn for, the share held out and the seed
// of the draw. Its people follow (campaign_invited, campaign_held_out), in the same transaction.
CREATE (c:Campaign {name: $campaign})
SET c += $properties
RETURN c.name AS name
