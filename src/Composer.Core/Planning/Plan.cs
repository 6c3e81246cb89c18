using System.Collections.Immutable;
using System.Text;
using Composer.Core.Engine;

namespace Composer.Core.Planning;

/// <summary>One engine call (or one wait), with why it is needed and what must finish before it.</summary>
public abstract record Operation
{
    /// <summary>
    /// Identity within a plan, derived from what the operation does to what: one operation of a kind per target.
    /// Planners never write ids; they link operations through <see cref="PlanBuilder"/>'s node handles.
    /// </summary>
    public abstract string Id { get; }
    public required string Cause { get; init; }
    /// <summary>Ids of the operations this one runs after; set by <see cref="PlanBuilder"/>.</summary>
    public ImmutableArray<string> After { get; init; } = [];
    /// <summary>Ordering only: runs after these, but their failure does not fail this one (depends_on required: false).</summary>
    public ImmutableArray<string> SoftAfter { get; init; } = [];
    public IEnumerable<string> AllAfter => After.Concat(SoftAfter);
    /// <summary>Service the operation belongs to, if any (for progress and error messages).</summary>
    public string? Service { get; init; }
    /// <summary>Waits take no engine slot: a service waiting for its dependencies never blocks another's call.</summary>
    public virtual bool UsesEngineSlot => true;
    /// <summary>
    /// Joins or leaves network endpoints (a start, or a stop): the calls <see cref="Execution.PlanExecutor"/> keeps few
    /// at once (see <see cref="Execution.PlanExecutor.DefaultJoins"/> and <see cref="Execution.PlanExecutor.DefaultLeaves"/>).
    /// </summary>
    public virtual EndpointChange EndpointChange => EndpointChange.None;
    public abstract string Describe();
}

public sealed record CreateNetwork(NetworkSpec Spec) : Operation { public override string Id => $"network:{Spec.Name}"; public override string Describe() => $"create network {Spec.Name}"; }
public sealed record RemoveNetwork(string Name) : Operation { public override string Id => $"rmnet:{Name}"; public override string Describe() => $"remove network {Name}"; }
public sealed record CreateVolume(VolumeSpec Spec) : Operation { public override string Id => $"volume:{Spec.Name}"; public override string Describe() => $"create volume {Spec.Name}"; }
public sealed record RemoveVolume(string Name) : Operation { public override string Id => $"rmvol:{Name}"; public override string Describe() => $"remove volume {Name}"; }
public sealed record PullImage(string Image) : Operation
{
    /// <summary>False when the image can also be built: a failed pull is then a warning, as in Compose.</summary>
    public bool Required { get; init; } = true;
    public override string Id => $"pull:{Image}";
    public override string Describe() => $"pull image {Image}";
}
public sealed record CreateContainer(ContainerSpec Spec) : Operation
{
    public override string Id => $"create:{Spec.Name}";
    /// <summary>Replaces a container whose configuration differs from the file's (plan shows which fields).</summary>
    public bool ConfigurationChanged => Cause == RecreateCauses.ConfigurationChanged;
    public override string Describe() => $"create container {Spec.Name}";
}

public static class RecreateCauses
{
    public const string ConfigurationChanged = "configuration changed";
}
public enum EndpointChange { None, Join, Leave }

public sealed record StartContainer(string Name) : Operation { public override string Id => $"start:{Name}"; public override EndpointChange EndpointChange => EndpointChange.Join; public override string Describe() => $"start container {Name}"; }
public sealed record StopContainer(string Name, TimeSpan? Timeout) : Operation { public override string Id => $"stop:{Name}"; public override EndpointChange EndpointChange => EndpointChange.Leave; public override string Describe() => $"stop container {Name}"; }
public sealed record RenameContainer(string Name, string NewName) : Operation { public override string Id => $"rename:{Name}"; public override string Describe() => $"rename container {Name} to {NewName}"; }
public sealed record RemoveContainer(string Name, bool RemoveAnonymousVolumes = true) : Operation { public override string Id => $"remove:{Name}"; public override string Describe() => $"remove container {Name}"; }
public sealed record WaitContainer(string Name, string Condition) : Operation
{
    /// <summary>False for depends_on required: false: a failure is a warning and the dependent starts anyway.</summary>
    public bool Required { get; init; } = true;
    public override string Id => $"wait:{Name}:{Condition}" + (Required ? "" : ":optional");
    public override bool UsesEngineSlot => false;
    public override string Describe() => $"wait for container {Name} ({Condition})";
}

/// <summary>The planner's output: a DAG of operations. Printing is deterministic, so tests compare plans as text.</summary>
public sealed class Plan(IEnumerable<Operation> operations, IEnumerable<string>? warnings = null)
{
    public ImmutableArray<Operation> Operations { get; } = Order([.. operations]);
    public ImmutableArray<string> Warnings { get; } = [.. warnings ?? []];
    public bool IsEmpty => Operations.IsEmpty;

    public override string ToString()
    {
        if (IsEmpty) return "nothing to do\n";
        var sb = new StringBuilder();
        foreach (var op in Operations) sb.Append(op.Describe()).Append("  (").Append(op.Cause).Append(")\n");
        return sb.ToString();
    }

    /// <summary>A topological order with ties broken by id, so equal plans print equally.</summary>
    private static ImmutableArray<Operation> Order(List<Operation> ops)
    {
        var byId = ops.ToDictionary(o => o.Id);
        var pending = ops.ToDictionary(o => o.Id, o => o.AllAfter.Distinct().Count(byId.ContainsKey));
        var dependents = ops.SelectMany(o => o.AllAfter.Distinct().Where(byId.ContainsKey).Select(a => (a, o.Id))).ToLookup(x => x.a, x => x.Id);
        var ready = new SortedSet<(int, string)>(ops.Where(o => pending[o.Id] == 0).Select(o => (Rank(o), o.Id)));
        var result = ImmutableArray.CreateBuilder<Operation>(ops.Count);
        while (ready.Count > 0)
        {
            var next = ready.Min;
            ready.Remove(next);
            result.Add(byId[next.Item2]);
            foreach (var d in dependents[next.Item2])
                if (--pending[d] == 0) ready.Add((Rank(byId[d]), d));
        }
        if (result.Count != ops.Count) throw new InvalidOperationException("the plan has a cycle; this is a bug in the planner");
        return result.MoveToImmutable();
    }

    private static int Rank(Operation o) => o switch
    {
        CreateNetwork or CreateVolume or PullImage => 0,
        StopContainer => 1,
        RemoveContainer => 2,
        CreateContainer => 3,
        StartContainer => 4,
        WaitContainer => 5,
        _ => 6,
    };
}

/// <summary>The project cannot be brought to the file's state as asked (a missing external network, say).</summary>
public sealed class PlanningException(string message) : Exception(message);
