// The people a campaign invited, anchored on their source records (record keys outlive customer ids, which
// change when resolution merges or splits profiles): one edge per record, `member` numbering the person.
MATCH (c:Campaign {name: $campaign})
UNWIND $rows AS row
MATCH (r:SourceRecord {key: row.key})
CREATE (c)-[:INVITED {member: row.member}]->(r)
