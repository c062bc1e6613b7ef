// A dead letter delivered by a replay.
MATCH (d:DeadLetter {destination: $destination, seq: $seq})
DELETE d
