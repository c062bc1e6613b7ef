// Notes staff wrote on erased people's tickets: free text about them, deleted.
UNWIND $keys AS key
MATCH (n:TicketNote)-[:ON]->(:Ticket {key: key})
DETACH DELETE n
RETURN count(n) AS notes
