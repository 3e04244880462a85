#!/usr/bin/env python3
"""Writes samples/records.jsonl: 3,000 records in three namespaces, deterministically.

Run from anywhere: python3 samples/generate.py. Same output on every run and every Python 3
(random.Random with a fixed seed, fixed field order, fixed number formatting). See README.md.
"""
import json
import os
import random

SEED = 20240611
DIMENSION = 8
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "records.jsonl")

TENANTS = ["acme", "globex", "initech", "umbrella", "hooli"]
TENANT_WEIGHTS = [35, 25, 20, 12, 8]
LANGS = ["en", "de", "fr", "ja"]
LANG_WEIGHTS = [70, 15, 10, 5]

ARTICLE_CATEGORIES = ["news", "tutorial", "reference", "blog", "release-notes"]
ARTICLE_TAGS = ["python", "dotnet", "search", "vectors", "security", "billing", "onboarding",
                "performance", "api", "migration", "compliance", "ml"]
ARTICLE_TITLE_WORDS = ["Getting started with", "Deep dive:", "Notes on", "How we scaled", "A guide to",
                       "Troubleshooting", "Why we moved to", "Ten tips for"]
ARTICLE_TITLE_TOPICS = ["vector search", "namespaces", "metadata filters", "batch deletes", "embeddings",
                        "rate limits", "the local store", "Café analytics", "Straße routing", "日本語 search"]

SUPPORT_PRIORITIES = ["low", "medium", "high", "urgent"]
SUPPORT_PRIORITY_WEIGHTS = [40, 35, 18, 7]
SUPPORT_STATUSES = ["open", "pending", "closed"]
SUPPORT_STATUS_WEIGHTS = [25, 15, 60]
SUPPORT_TAGS = ["login", "billing", "refund", "bug", "feature-request", "outage", "export", "api", "sso"]
SUPPORT_TIERS = ["free", "pro", "enterprise"]

PRODUCT_CATEGORIES = ["shoes", "shirts", "bags", "watches", "lamps"]
PRODUCT_TAGS = ["new", "sale", "eco", "bestseller", "limited", "gift", "outdoor"]
PRODUCT_COLOURS = ["black", "white", "red", "navy", "olive", "sand"]


def vector(rng):
    return [round(rng.uniform(-1.0, 1.0), 4) for _ in range(DIMENSION)]


def tags(rng, pool, low, high):
    n = rng.randint(low, high)
    return rng.sample(pool, n)


def articles(rng, count):
    for n in range(1, count + 1):
        md = {
            "tenant": rng.choices(TENANTS, TENANT_WEIGHTS)[0],
            "title": f"{rng.choice(ARTICLE_TITLE_WORDS)} {rng.choice(ARTICLE_TITLE_TOPICS)}",
            "category": rng.choice(ARTICLE_CATEGORIES),
            "year": rng.randint(2016, 2025),
            "published": rng.random() < 0.8,
            "lang": rng.choices(LANGS, LANG_WEIGHTS)[0],
            "tags": tags(rng, ARTICLE_TAGS, 0, 4),
            "views": int(rng.paretovariate(1.2) * 40),
        }
        # About one article in ten has no rating yet; a few carry an explicit null.
        r = rng.random()
        if r < 0.9:
            md["rating"] = round(rng.uniform(1.0, 5.0), 1)
        elif r < 0.93:
            md["rating"] = None
        if rng.random() < 0.15:
            md["reviewed_by"] = rng.choice(["ana", "bo", "chen", "dara"])
        yield {"id": f"doc-{n:05d}", "values": vector(rng), "metadata": md, "namespace": "articles"}


def support(rng, count):
    per_tenant = {t: 0 for t in TENANTS}
    for _ in range(count):
        tenant = rng.choices(TENANTS, TENANT_WEIGHTS)[0]
        per_tenant[tenant] += 1
        status = rng.choices(SUPPORT_STATUSES, SUPPORT_STATUS_WEIGHTS)[0]
        md = {
            "tenant": tenant,
            "customer": f"{tenant}-cust-{rng.randint(1, 40):03d}",
            "tier": rng.choice(SUPPORT_TIERS),
            "priority": rng.choices(SUPPORT_PRIORITIES, SUPPORT_PRIORITY_WEIGHTS)[0],
            "status": status,
            "resolved": status == "closed",
            "year": rng.randint(2021, 2025),
            "tags": tags(rng, SUPPORT_TAGS, 1, 3),
            "response_hours": round(rng.expovariate(1 / 9.0), 2),
        }
        if status == "closed":
            md["satisfaction"] = rng.randint(1, 5)
        yield {
            "id": f"tenant-{tenant}#chunk-{per_tenant[tenant]:04d}",
            "values": vector(rng),
            "metadata": md,
            "namespace": "support",
        }


def products(rng, count):
    for n in range(1, count + 1):
        category = rng.choice(PRODUCT_CATEGORIES)
        md = {
            "tenant": rng.choices(TENANTS[:3], [50, 30, 20])[0],
            "category": category,
            "colour": rng.choice(PRODUCT_COLOURS),
            "price": round(rng.uniform(5, 400), 2),
            "in_stock": rng.random() < 0.7,
            "stock": rng.randint(0, 500),
            "year": rng.randint(2019, 2025),
            "tags": tags(rng, PRODUCT_TAGS, 0, 3),
        }
        if rng.random() < 0.1:
            md["discontinued"] = True
        # A clearance line whose ids hold the LIKE wildcards % and _ (prefix matching must treat them literally).
        if n % 40 == 0:
            rid = f"clearance_50%-{n // 40:04d}"
            md["tags"] = sorted(set(md["tags"]) | {"sale"})
        else:
            rid = f"sku-{category}-{n:04d}"
        yield {"id": rid, "values": vector(rng), "metadata": md, "namespace": "products"}


def main():
    rng = random.Random(SEED)
    records = list(articles(rng, 1200)) + list(support(rng, 1000)) + list(products(rng, 800))
    ids = set()
    for r in records:
        key = (r["namespace"], r["id"])
        assert key not in ids, key
        ids.add(key)
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")
    counts = {}
    for r in records:
        counts[r["namespace"]] = counts.get(r["namespace"], 0) + 1
    print(f"wrote {len(records)} records to {OUT}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
