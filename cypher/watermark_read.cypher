MATCH (w:Watermark {source: $source})
RETURN w.value AS value
