// Who saw one customer's personal data, oldest first, since an instant (null: ever).
MATCH (a:AccessLog {customer: $customer})
WHERE $since IS NULL OR a.at >= $since
RETURN a.at AS at, a.subject AS subject, a.role AS role, a.fields AS fields, a.operation AS operation
ORDER BY at, subject
