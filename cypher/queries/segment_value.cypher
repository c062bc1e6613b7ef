// description: Each segment of the last scoring run: customers, buyers, and their historic and predicted value.
MATCH (s:Segment)
CALL (s) {
  OPTIONAL MATCH (s)<-[:IN_SEGMENT]-(c:Customer)
  RETURN count(c) AS customers, count(CASE WHEN c.purchases > 0 THEN 1 END) AS buyers,
         coalesce(sum(c.ltv_minor), 0) AS ltv_minor, coalesce(sum(c.predicted_value_minor), 0) AS predicted_minor
}
RETURN s.name AS segment, customers, buyers, ltv_minor, predicted_minor,
       CASE WHEN customers = 0 THEN 0 ELSE ltv_minor / customers END AS ltv_minor_per_customer
ORDER BY ltv_minor DESC, segment
