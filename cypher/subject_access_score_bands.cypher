// The bands each RFM score covered at the last scoring run: per dimension and score 1-5, the lowest and
// highest recency (days), purchases and spend (minor units, main currency) among the customers given it.
// Scores are quintiles of rank among buyers, so these bands are the thresholds that were in force.
MATCH (c:Customer)
WHERE c.rfm IS NOT NULL
UNWIND [['recency_days', substring(c.rfm, 0, 1), toFloat(c.recency_days)],
        ['purchases', substring(c.rfm, 1, 1), toFloat(c.purchases)],
        ['spend_minor', substring(c.rfm, 2, 1), toFloat(c.ltv_minor)]] AS part
WITH part[0] AS dimension, part[1] AS score, part[2] AS value
RETURN dimension, score, min(value) AS low, max(value) AS high, count(*) AS customers
ORDER BY dimension, score
