"""Deterministic synthetic libraries for benchmarks: N realistic-looking papers and user states.

    from tests.benchmarks.generate import generate_papers, generate_states
    papers = generate_papers(100_000, seed=0)       # same seed -> same papers, every run
    states = generate_states(papers, seed=0)        # ~10% of papers touched

Papers have 8-15 word titles from an ML vocabulary (diffusion, solver, self, refine, llm, lora,
transformer, ...), 3-12 authors, 150-250 word abstracts whose words follow a Zipf-like curve over
the ML terms plus a long tail of rarer made-up words (as real abstracts have), arXiv ids, dates
over two years, upvotes, comments and, for some, a GitHub repo.

CLI: `python tests/benchmarks/generate.py N OUTDIR` writes OUTDIR/papers.jsonl and
OUTDIR/states.json (plain JSON; loading them into a real store is up to the caller).
"""

from __future__ import annotations

import itertools
import json
import random
import sys
from datetime import date, timedelta
from pathlib import Path

# Allow running as a script from the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tui.models import STATUSES, Paper, State

ML_TERMS = [
    "diffusion",
    "solver",
    "self",
    "refine",
    "llm",
    "llms",
    "lora",
    "transformer",
    "transformers",
    "attention",
    "language",
    "model",
    "models",
    "large",
    "learning",
    "neural",
    "network",
    "networks",
    "reinforcement",
    "policy",
    "reward",
    "agent",
    "agents",
    "reasoning",
    "chain",
    "thought",
    "prompting",
    "prompt",
    "instruction",
    "tuning",
    "fine",
    "finetuning",
    "adaptation",
    "low",
    "rank",
    "efficient",
    "scaling",
    "laws",
    "training",
    "inference",
    "sampling",
    "sampler",
    "ode",
    "sde",
    "score",
    "matching",
    "flow",
    "rectified",
    "consistency",
    "distillation",
    "image",
    "video",
    "audio",
    "speech",
    "text",
    "multimodal",
    "vision",
    "vit",
    "clip",
    "contrastive",
    "retrieval",
    "augmented",
    "generation",
    "rag",
    "benchmark",
    "evaluation",
    "dataset",
    "robust",
    "robustness",
    "adversarial",
    "alignment",
    "preference",
    "optimization",
    "dpo",
    "rlhf",
    "safety",
    "hallucination",
    "factuality",
    "memory",
    "context",
    "long",
    "window",
    "sparse",
    "mixture",
    "experts",
    "moe",
    "routing",
    "quantization",
    "pruning",
    "compression",
    "kernel",
    "gpu",
    "throughput",
    "latency",
    "parallel",
    "decoding",
    "speculative",
    "token",
    "tokens",
    "embedding",
    "embeddings",
    "representation",
    "graph",
    "gnn",
    "molecular",
    "protein",
    "physics",
    "pde",
    "operator",
    "fourier",
    "neural-operator",
    "solver",
    "solvers",
    "numerical",
    "simulation",
    "weather",
    "climate",
    "robotics",
    "manipulation",
    "navigation",
    "planning",
    "world",
    "3d",
    "gaussian",
    "splatting",
    "nerf",
    "rendering",
    "segmentation",
    "detection",
    "tracking",
    "depth",
    "estimation",
    "generative",
    "adversarial",
    "gan",
    "vae",
    "autoencoder",
    "latent",
    "space",
    "denoising",
    "noise",
    "schedule",
    "guidance",
    "classifier",
    "free",
    "conditional",
    "controllable",
    "editing",
    "personalization",
    "stable",
    "synthesis",
    "super",
    "resolution",
    "inpainting",
    "code",
    "program",
    "math",
    "theorem",
    "proving",
    "verification",
    "tool",
    "use",
    "web",
    "search",
    "browsing",
    "planning",
    "self-supervised",
    "semi",
    "supervised",
    "unsupervised",
    "federated",
    "privacy",
    "differential",
    "continual",
    "meta",
    "few",
    "shot",
    "zero",
    "in-context",
    "chain-of-thought",
    "mamba",
    "state",
    "space",
    "recurrent",
    "convolution",
    "normalization",
    "optimizer",
    "adam",
    "sgd",
    "learning-rate",
    "warmup",
    "curriculum",
    "data",
    "mixture",
    "synthetic",
    "scaling",
    "compute",
    "optimal",
    "bayesian",
    "uncertainty",
    "calibration",
    "causal",
    "interpretability",
    "probing",
    "circuits",
    "mechanistic",
    "feature",
    "features",
    "attribution",
    "explanation",
    "fairness",
    "bias",
]

STOPWORDS = [
    "the",
    "of",
    "and",
    "a",
    "to",
    "in",
    "we",
    "is",
    "for",
    "that",
    "on",
    "with",
    "by",
    "this",
    "our",
    "as",
    "are",
    "an",
    "be",
    "from",
    "which",
    "can",
    "it",
    "these",
    "at",
    "show",
    "using",
    "propose",
    "results",
    "method",
    "approach",
    "while",
    "both",
    "more",
    "than",
    "such",
    "its",
    "into",
    "also",
    "has",
    "have",
    "been",
    "not",
    "but",
    "or",
    "their",
    "how",
    "novel",
    "new",
    "based",
    "over",
    "across",
    "via",
    "without",
    "each",
    "two",
    "first",
    "existing",
    "recent",
    "state",
    "art",
    "significantly",
    "improves",
    "performance",
]

FIRST_NAMES = [
    "Wei",
    "Jian",
    "Yu",
    "Li",
    "Xin",
    "Hao",
    "Ming",
    "Anna",
    "Maria",
    "Elena",
    "Sofia",
    "Lucas",
    "Noah",
    "Liam",
    "Emma",
    "Olivia",
    "Ava",
    "Mia",
    "Arjun",
    "Priya",
    "Rahul",
    "Ananya",
    "Kenji",
    "Yuki",
    "Haruto",
    "Sakura",
    "Omar",
    "Fatima",
    "Ali",
    "Leila",
    "Jonas",
    "Lukas",
    "Felix",
    "Clara",
    "Marta",
    "Pablo",
    "Diego",
    "Ines",
    "Chen",
    "Zhang",
    "Tao",
    "Jun",
    "Hyun",
    "Min",
    "Ji",
    "Seo",
    "Daniel",
    "David",
    "Sarah",
    "Laura",
    "Michael",
    "James",
    "Robert",
    "John",
    "Thomas",
    "Peter",
    "Paul",
    "Mark",
    "Alex",
    "Sam",
    "Kim",
    "Lee",
    "Ivan",
    "Olga",
    "Dmitri",
    "Sven",
    "Björn",
    "Przemysław",
    "Zoë",
    "Chloé",
    "François",
]

SURNAME_SYLLABLES = [
    "li",
    "wang",
    "zhang",
    "liu",
    "chen",
    "yang",
    "huang",
    "zhao",
    "wu",
    "zhou",
    "xu",
    "sun",
    "ma",
    "zhu",
    "hu",
    "guo",
    "he",
    "lin",
    "smi",
    "th",
    "son",
    "ber",
    "ger",
    "man",
    "ko",
    "va",
    "nov",
    "ski",
    "ler",
    "mann",
    "ta",
    "ka",
    "mu",
    "ra",
    "ya",
    "shi",
    "da",
    "no",
    "ri",
    "gar",
    "cia",
    "lo",
    "pez",
    "mar",
    "tin",
    "ez",
    "ro",
    "dri",
    "guez",
    "pa",
    "tel",
    "sha",
    "ra",
    "kar",
    "ni",
    "kov",
    "ic",
    "es",
]

TAGS = ("to-read", "diffusion", "llm", "rl", "theory", "survey", "reproduce", "cite", "old", "idea")
CATEGORIES = ("cs.LG", "cs.CL", "cs.CV", "cs.AI", "stat.ML", "cs.RO", "cs.SD", "eess.IV", "math.NA")
END_DAY = date(2026, 11, 20)
DAYS = 730


def _surname(rng: random.Random) -> str:
    parts = rng.randint(2, 3)
    return "".join(rng.choice(SURNAME_SYLLABLES) for _ in range(parts)).capitalize()


def _tail_words(rng: random.Random, count: int) -> list[str]:
    """Made-up rarer words (the long tail of a real abstract vocabulary)."""
    syllables = [
        "ka",
        "to",
        "ri",
        "mu",
        "se",
        "an",
        "pol",
        "ver",
        "gen",
        "tic",
        "lo",
        "qua",
        "ran",
        "dex",
        "ion",
        "ph",
        "yl",
        "ter",
        "mo",
        "ne",
    ]
    out: set[str] = set()
    while len(out) < count:
        out.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(out)


UNICODE_TOUCHES = (
    "naïve",
    "Schrödinger",
    "state-of-the-art—",
    "model’s",
    "α-divergence",
    "β",
    "×10",
    "≥",
    "“zero-shot”",
    "Müller",
    "façade",
    "σ-algebra",
)
"""What real abstracts hold outside ASCII: accents, Greek letters, curly quotes, dashes, maths."""


def generate_papers(n: int, seed: int = 0, unicode_share: float = 0.0) -> list[Paper]:
    """`n` papers, the same for the same (n, seed, unicode_share).

    `unicode_share` of the abstracts get a few words from UNICODE_TOUCHES (0 keeps every
    abstract ASCII, and the papers identical to earlier versions of this generator).
    """
    rng = random.Random(seed)
    tail = _tail_words(rng, 20_000)
    vocabulary = ML_TERMS + tail
    # Zipf-like weights: common ML terms early, a long tail of rare words.
    weights = [1.0 / (rank + 8) for rank in range(len(vocabulary))]
    cumulative = list(itertools.accumulate(weights))
    stop_cumulative = list(itertools.accumulate(1.0 / (r + 1) for r in range(len(STOPWORDS))))
    surnames = [_surname(rng) for _ in range(3000)]
    papers: list[Paper] = []
    serial: dict[str, int] = {}
    for number in range(n):
        day = END_DAY - timedelta(days=rng.randrange(DAYS))
        month = day.strftime("%y%m")
        serial[month] = serial.get(month, 0) + 1
        arxiv_id = f"{month}.{serial[month]:05d}"
        title_words = rng.choices(ML_TERMS, k=rng.randint(8, 15))
        title = " ".join(title_words).capitalize()
        if rng.random() < 0.3:
            title = f"{rng.choice(ML_TERMS).capitalize()}: {title}"
        authors = [
            f"{rng.choice(FIRST_NAMES)} {rng.choice(surnames)}" for _ in range(rng.randint(3, 12))
        ]
        length = rng.randint(150, 250)
        content = rng.choices(vocabulary, cum_weights=cumulative, k=length * 6 // 10)
        fillers = rng.choices(STOPWORDS, cum_weights=stop_cumulative, k=length - len(content))
        body = content + fillers
        if unicode_share and rng.random() < unicode_share:
            body += rng.choices(UNICODE_TOUCHES, k=rng.randint(1, 4))
        rng.shuffle(body)
        sentences = [" ".join(body[i : i + 20]).capitalize() + "." for i in range(0, length, 20)]
        upvotes = int(rng.expovariate(1 / 12)) if rng.random() < 0.8 else None
        has_code = rng.random() < 0.3
        listed = day.isoformat() if upvotes is not None else None
        papers.append(
            Paper(
                id=f"arxiv:{arxiv_id}",
                title=title,
                arxiv_id=arxiv_id,
                version=1,
                authors=authors,
                abstract=" ".join(sentences),
                published=(day - timedelta(days=rng.randint(0, 3))).isoformat(),
                listed_on=listed,
                categories=rng.sample(CATEGORIES, k=rng.randint(1, 3)),
                upvotes=upvotes,
                comments=rng.randint(0, 8) if upvotes is not None else None,
                github_repo=f"https://github.com/lab{number % 997}/repo{number}"
                if has_code
                else None,
                github_stars=int(rng.expovariate(1 / 150)) if has_code else None,
                sources=["hf-json"] if upvotes is not None else ["arxiv-atom"],
                first_seen=f"{day.isoformat()}T09:00:00Z",
                last_synced=f"{day.isoformat()}T09:00:00Z",
            )
        )
    return papers


def generate_states(papers: list[Paper], seed: int = 0) -> dict[str, State]:
    """States for about 10% of `papers`: statuses, stars, tags, notes, opened times."""
    rng = random.Random(seed + 1)
    states: dict[str, State] = {}
    for paper in papers:
        if rng.random() >= 0.10:
            continue
        tags = sorted(set(rng.sample(TAGS, k=rng.choice((0, 0, 1, 1, 2, 3)))))
        states[paper.id] = State(
            status=rng.choice((*STATUSES[1:], "inbox")),
            starred=rng.random() < 0.3,
            tags=tags,
            note="worth a closer look" if rng.random() < 0.1 else "",
            opened_at="2026-11-01T10:00:00Z" if rng.random() < 0.5 else None,
        )
    return states


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python tests/benchmarks/generate.py N OUTDIR", file=sys.stderr)
        return 2
    count, outdir = int(argv[0]), Path(argv[1])
    outdir.mkdir(parents=True, exist_ok=True)
    papers = generate_papers(count)
    with (outdir / "papers.jsonl").open("w", encoding="utf-8") as handle:
        for paper in papers:
            handle.write(json.dumps(paper.to_dict(), ensure_ascii=False) + "\n")
    states = generate_states(papers)
    (outdir / "states.json").write_text(
        json.dumps({k: v.to_dict() for k, v in states.items()}, ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    print(f"wrote {len(papers)} papers and {len(states)} states to {outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
