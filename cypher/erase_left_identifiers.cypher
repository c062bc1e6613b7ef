// The other identifiers the person's events point to (a phone only a ticket carried, a card only a till
// knew): erasure cuts every link of those events, so those left pointed to by nothing are swept after it.
UNWIND $keys AS key
MATCH (:Identifier {key: key})<-[:BY|RAISED_BY|FOR|FROM|LOGGED_IN_AS]-(e)
MATCH (e)-[:BY|RAISED_BY|FOR|FROM|LOGGED_IN_AS]->(other:Identifier)
RETURN DISTINCT other.key AS key
