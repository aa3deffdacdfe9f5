"""Polis-style opinion math: PCA, two-level k-means, repness, consensus, priorities.

Pure numpy/scipy/scikit-learn; no Django. Typical use::

    conv = Conversation.from_votes(votes, mod_out={3})
    result = conv.recompute()          # full math
    conv.add_vote(pid, tid, 1)         # cheap incremental fold-in
    conv.next_statement(pid, seed=1)   # priority-weighted pick
    json.dumps(result.to_dict())
"""

from grassroots.deliberation.polis.clustering import Clustering, ClusterMemory, cluster_points
from grassroots.deliberation.polis.conversation import Conversation
from grassroots.deliberation.polis.engine import MathOptions, MathResult, compute_math
from grassroots.deliberation.polis.matrix import AGREE, DISAGREE, PASS, VoteMatrix
from grassroots.deliberation.polis.opendata import (
    OpenDataConversation,
    adjusted_rand,
    cluster_participants_votes,
    read_comments,
    read_opendata_dir,
    read_participants_votes,
    read_votes_csv,
    write_comments_csv,
    write_participants_votes,
    write_votes_csv,
)
from grassroots.deliberation.polis.pca import PcaResult, polis_pca
from grassroots.deliberation.polis.polis_export import PolisExport, load_polis_export
from grassroots.deliberation.polis.stats import GroupVotes

__all__ = [
    "AGREE",
    "DISAGREE",
    "PASS",
    "ClusterMemory",
    "Clustering",
    "Conversation",
    "GroupVotes",
    "MathOptions",
    "MathResult",
    "OpenDataConversation",
    "PcaResult",
    "PolisExport",
    "VoteMatrix",
    "adjusted_rand",
    "cluster_participants_votes",
    "cluster_points",
    "compute_math",
    "load_polis_export",
    "polis_pca",
    "read_comments",
    "read_opendata_dir",
    "read_participants_votes",
    "read_votes_csv",
    "write_comments_csv",
    "write_participants_votes",
    "write_votes_csv",
]
