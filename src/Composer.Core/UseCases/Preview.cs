using System.Collections.Immutable;
using Composer.Core.Model;
using Composer.Core.Planning;

namespace Composer.Core.UseCases;

public sealed record PlanRequest(Project Project, UpOptions Options);

/// <summary>What up would do, and for each container recreated because its configuration changed, which fields did.</summary>
public sealed record PlanPreview(Plan Plan, ImmutableSortedDictionary<string, ImmutableArray<string>> ChangedFields);

public sealed partial class ComposeActions
{
    /// <summary>A dry run of up: observes and plans, changes nothing.</summary>
    public async Task<PlanPreview> PlanAsync(PlanRequest request, CancellationToken cancellationToken)
    {
        var observed = await engine.ObserveAsync(Observation.For(request.Project), cancellationToken).ConfigureAwait(false);
        var plan = Planner.PlanUp(request.Project, observed, request.Options);
        var byName = observed.Containers.ToDictionary(c => c.Name);
        var changed = ImmutableSortedDictionary.CreateBuilder<string, ImmutableArray<string>>(StringComparer.Ordinal);
        foreach (var create in plan.Operations.OfType<CreateContainer>().Where(c => c.ConfigurationChanged))
            if (byName.TryGetValue(create.Spec.Name, out var old))
                changed[create.Spec.Name] = [.. ConfigDiff.Diff(old.Labels.GetValueOrDefault(ConfigDiff.Label), ConfigHash.CanonicalForm(request.Project.Services[create.Spec.Service]))];
        return new PlanPreview(plan, changed.ToImmutable());
    }
}
