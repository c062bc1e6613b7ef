// The key of this store's profile ids, made on first use: an id is a keyed hash of a record key, so that
// nobody without the store can check a guessed identifier value (a card number, an email) against an id.
MERGE (k:ProfileIdKey {name: 'current'})
ON CREATE SET k.value = $fresh
RETURN k.value AS value
