using System.Collections.Immutable;
using System.Text;

namespace Composer.Core.Stack;

/// <summary>One Swarm call with its cause. <see cref="Describe"/> is what <c>stack plan</c> prints.</summary>
public abstract record StackOperation(string Cause)
{
    public abstract string Describe();
    /// <summary>The compose service this operation is about, when it is about one.</summary>
    public virtual string? Service => null;
}

public sealed record CreateStackNetwork(StackNetwork Network, string Cause) : StackOperation(Cause)
{
    public override string Describe() => $"create network {Network.Name}";
}

public sealed record CreateStackFile(StackFileObject File, string Cause) : StackOperation(Cause)
{
    public override string Describe() => $"create {(File.Kind == StackFileKind.Secret ? "secret" : "config")} {File.Name}";
}

public sealed record CreateStackService(StackService Spec, string Cause) : StackOperation(Cause)
{
    public override string Describe() => $"create service {Spec.Name}";
    public override string? Service => Spec.Model.Name;
}

public sealed record UpdateStackService(StackService Spec, string Id, ulong Version, ImmutableArray<string> Changed, string Cause) : StackOperation(Cause)
{
    public override string Describe() => $"update service {Spec.Name}";
    public override string? Service => Spec.Model.Name;
}

public sealed record RemoveStackService(string Name, string Id, string Cause) : StackOperation(Cause)
{
    public override string Describe() => $"remove service {Name}";
}

/// <summary>
/// What <c>stack deploy</c> will do: infrastructure (networks, configs, secrets) first, then service creates and
/// updates, each after its dependencies' conditions (<see cref="Dependencies"/>). Unchanged services are named so the
/// deploy still waits for them as dependencies.
/// </summary>
public sealed record StackPlan(string Stack)
{
    public ImmutableArray<StackOperation> Infrastructure { get; init; } = [];
    /// <summary>At most one create or update per compose service.</summary>
    public ImmutableSortedDictionary<string, StackOperation> ServiceOperations { get; init; } = ImmutableSortedDictionary<string, StackOperation>.Empty;
    public ImmutableArray<RemoveStackService> Removals { get; init; } = [];
    public ImmutableArray<string> Unchanged { get; init; } = [];
    /// <summary>Per compose service: the services it waits for and the condition (<c>service_started</c>, ...).</summary>
    public ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, string>> Dependencies { get; init; } =
        ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, string>>.Empty;
    /// <summary>Every service of the stack by compose name (engine name <c>stack_service</c>).</summary>
    public ImmutableSortedDictionary<string, StackService> Services { get; init; } = ImmutableSortedDictionary<string, StackService>.Empty;
    public ImmutableArray<string> Warnings { get; init; } = [];

    public IEnumerable<StackOperation> Operations => Infrastructure.Concat(ServiceOperations.Values).Concat(Removals);
    public bool IsEmpty => !Operations.Any();

    /// <summary>Deterministic text: one line per operation with its cause and changed fields; dependency waits under it.</summary>
    public override string ToString()
    {
        if (IsEmpty) return $"stack {Stack}: nothing to do\n";
        var b = new StringBuilder();
        foreach (var op in Operations)
        {
            b.Append(op.Describe()).Append("  (").Append(op.Cause).Append(")\n");
            if (op is UpdateStackService { Changed.Length: > 0 } u) b.Append("    changed: ").AppendJoin(", ", u.Changed).Append('\n');
            if (op.Service is { } svc && Dependencies.TryGetValue(svc, out var deps) && deps.Count > 0)
                b.Append("    after: ").AppendJoin(", ", deps.Select(kv => $"{kv.Key} ({kv.Value})")).Append('\n');
        }
        return b.ToString();
    }
}
