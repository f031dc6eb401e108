import json
records = []
for i in range(125000):
    records.append({"id": i, "name": "user" + str(i), "tags": ["alpha", "beta"], "score": i * 0.5,
                    "active": i % 2 == 0, "note": None})
text = json.dumps(records, separators=(",", ":"))
total = 0
for round in range(5):
    parsed = json.loads(text)
    total = total + len(parsed) + parsed[124999]["score"]
print(len(text))
print(total)
