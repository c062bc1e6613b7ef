// Who saw whose personal data: one node per (request, customer), a request's all in this one statement.
UNWIND $rows AS row
CREATE (a:AccessLog)
SET a = row
