using System.Collections.Immutable;
using Composer.Core.Graph;
using Composer.Core.Planning;

namespace Composer.Core.Stack;

/// <summary>
/// Desired <see cref="StackSpec"/> + <see cref="ObservedStack"/> → <see cref="StackPlan"/>. Pure. A service is updated
/// only when the spec hash on it differs from the desired one, so deploying twice changes nothing.
/// </summary>
public static class StackPlanner
{
    public static StackPlan Plan(StackSpec spec, ObservedStack observed, DependencyGraph graph, bool prune = false)
    {
        var infrastructure = ImmutableArray.CreateBuilder<StackOperation>();
        var networksByName = observed.Networks.ToLookup(n => n.Name);
        foreach (var n in spec.Networks.Where(n => !networksByName.Contains(n.Name)))
            infrastructure.Add(new CreateStackNetwork(n, "missing"));

        foreach (var f in spec.Files)
        {
            var existing = (f.Kind == StackFileKind.Secret ? observed.Secrets : observed.Configs).FirstOrDefault(o => o.Name == f.Name);
            var what = f.Kind == StackFileKind.Secret ? "secret" : "config";
            if (existing is null) { infrastructure.Add(new CreateStackFile(f, "missing")); continue; }
            if (existing.Labels.GetValueOrDefault(StackLabels.ContentHash) is { } hash && hash != f.Labels[StackLabels.ContentHash])
                throw new PlanningException($"{what} \"{f.Key}\" changed, but a Swarm {what} cannot be updated: give it a new name (name: {f.Name}_v2) or remove the stack first (composer stack rm)");
        }

        var byName = observed.Services.ToDictionary(s => s.Name);
        var serviceOps = ImmutableSortedDictionary.CreateBuilder<string, StackOperation>(StringComparer.Ordinal);
        var unchanged = ImmutableArray.CreateBuilder<string>();
        foreach (var s in spec.Services)
        {
            if (!byName.TryGetValue(s.Name, out var current))
                serviceOps[s.Model.Name] = new CreateStackService(s, "missing");
            else if (current.SpecHash != s.Hash)
                serviceOps[s.Model.Name] = new UpdateStackService(s, current.Id, current.Version,
                    [.. ConfigDiff.Diff(current.Labels.GetValueOrDefault(StackLabels.Spec), s.Labels[StackLabels.Spec])], "configuration changed");
            else unchanged.Add(s.Model.Name);
        }

        var wanted = spec.Services.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var removals = prune
            ? observed.Services.Where(s => !wanted.Contains(s.Name)).OrderBy(s => s.Name, StringComparer.Ordinal)
                .Select(s => new RemoveStackService(s.Name, s.Id, "not in the compose file (--prune)")).ToImmutableArray()
            : [];

        var dependencies = spec.Services.ToImmutableSortedDictionary(
            s => s.Model.Name,
            s => graph.EdgesFrom(s.Model.Name).Select(e => e.To).Distinct()
                .ToImmutableSortedDictionary(d => d, d => s.Model.DependsOn.TryGetValue(d, out var dep) ? dep.Condition : Model.DependencyCondition.Started, StringComparer.Ordinal),
            StringComparer.Ordinal);

        return new StackPlan(spec.Stack)
        {
            Infrastructure = infrastructure.ToImmutable(),
            ServiceOperations = serviceOps.ToImmutable(),
            Removals = removals,
            Unchanged = unchanged.ToImmutable(),
            Dependencies = dependencies,
            Services = spec.Services.ToImmutableSortedDictionary(s => s.Model.Name, s => s, StringComparer.Ordinal),
            Warnings = spec.Warnings,
        };
    }
}
