using Composer.Core.Engine;
using Composer.Core.Graph;
using Composer.Core.Model;

namespace Composer.Core.Planning;

/// <summary>The plan of <c>up --wait</c>: one wait per replica until it runs (or is healthy, when it has a healthcheck).</summary>
public static class WaitPlanner
{
    public static Plan PlanWait(Project project, IReadOnlyCollection<string> services, bool noDeps, IReadOnlyDictionary<string, int>? scale = null)
    {
        var graph = DependencyGraph.Build(project);
        var selected = graph.Select(services, noDeps);
        // One-shot jobs others wait to complete are expected to exit, as in Compose.
        var jobs = project.Services.Values.SelectMany(s => s.DependsOn)
            .Where(kv => kv.Value.Condition == DependencyCondition.CompletedSuccessfully).Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
        var plan = new PlanBuilder();
        foreach (var name in selected.Where(s => !jobs.Contains(s)).Order(StringComparer.Ordinal))
        {
            var service = project.Services[name];
            var replicas = scale is not null && scale.TryGetValue(name, out var n) ? n : service.Scale;
            foreach (var number in Enumerable.Range(1, Math.Max(0, replicas)))
            {
                var container = project.ContainerName(service, number);
                plan.Add(new WaitContainer(container, WaitConditions.RunningOrHealthy) { Service = name, Cause = "--wait" });
            }
        }
        return plan.Build();
    }
}
