// Whether a campaign of this name is saved already: names are what users address campaigns by.
MATCH (c:Campaign {name: $campaign})
RETURN c.name AS name
