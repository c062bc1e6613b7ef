// The people a campaign held out (its control group), anchored on their source records like the invited.
MATCH (c:Campaign {name: $campaign})
UNWIND $rows AS row
MATCH (r:SourceRecord {key: row.key})
CREATE (c)-[:HELD_OUT {member: row.member}]->(r)
