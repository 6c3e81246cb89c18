
namespace Composer.Core.Planning;

/// <summary>A handle on an operation added to a <see cref="PlanBuilder"/>: what later operations are ordered after.</summary>
public readonly struct PlanNode : IEquatable<PlanNode>
{
    internal PlanNode(string id) => Id = id;
    internal string Id { get; }
    public bool Equals(PlanNode other) => string.Equals(Id, other.Id, StringComparison.Ordinal);
    public override bool Equals(object? obj) => obj is PlanNode other && Equals(other);
    public override int GetHashCode() => Id?.GetHashCode(StringComparison.Ordinal) ?? 0;
    public static bool operator ==(PlanNode left, PlanNode right) => left.Equals(right);
    public static bool operator !=(PlanNode left, PlanNode right) => !left.Equals(right);
}

/// <summary>
/// Builds a plan's DAG the way Compose's graph does (<c>addNode(op, deps…)</c>): each operation is added with the
/// handles of those it runs after, and hands back its own handle. Adding an operation the plan already holds (the
/// same kind on the same target, a shared image pull or dependency wait, say) returns the existing node, with the
/// new ordering merged in.
/// </summary>
public sealed class PlanBuilder
{
    private sealed class Entry(Operation operation)
    {
        public Operation Operation { get; } = operation;
        public List<string> After { get; } = [];
        public List<string> SoftAfter { get; } = [];
    }

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly List<string> _warnings = [];

    public PlanNode Add(Operation operation, params IEnumerable<PlanNode> after)
    {
        var id = operation.Id;
        if (!_entries.TryGetValue(id, out var entry))
        {
            _entries[id] = entry = new Entry(operation);
            _order.Add(id);
        }
        var node = new PlanNode(id);
        After(node, after);
        return node;
    }

    /// <summary>Orders <paramref name="node"/> after <paramref name="after"/>, and after <paramref name="soft"/> for ordering only (their failure does not fail it).</summary>
    public void After(PlanNode node, IEnumerable<PlanNode> after, IEnumerable<PlanNode>? soft = null)
    {
        var entry = _entries[node.Id];
        foreach (var a in after) if (!entry.After.Contains(a.Id)) entry.After.Add(a.Id);
        foreach (var a in soft ?? []) if (!entry.SoftAfter.Contains(a.Id)) entry.SoftAfter.Add(a.Id);
    }

    public Operation this[PlanNode node] => _entries[node.Id].Operation;

    /// <summary>The operations added so far, in the order they were added.</summary>
    public IEnumerable<(PlanNode Node, Operation Operation)> Nodes => _order.Select(id => (new PlanNode(id), _entries[id].Operation));

    public void Warn(string warning) => _warnings.Add(warning);

    public Plan Build() => new(
        _order.Select(id => _entries[id]).Select(e => e.Operation with { After = [.. e.After], SoftAfter = [.. e.SoftAfter] }),
        _warnings);
}
