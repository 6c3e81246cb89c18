using Composer.Core.Engine;
using Composer.Core.Model;

namespace Composer.Core.Planning;

/// <summary>
/// Plans for the everyday commands (start, stop, restart, kill, rm) over what the engine has. Pure, like
/// <see cref="Planner"/>; dependencies come from the depends_on label, so no compose file is needed.
/// </summary>
public static class CommandPlanner
{
    private static List<ObservedContainer> Select(ObservedState observed, IReadOnlyCollection<string> services, bool includeOneOff = false) =>
        [.. observed.Containers
            .Where(c => (includeOneOff || !c.OneOff) && (services.Count == 0 || services.Contains(c.Service)))
            .OrderBy(c => c.Name, StringComparer.Ordinal)];

    /// <summary>Starts stopped containers, each after its dependencies are started, healthy or completed.</summary>
    public static Plan PlanStart(ObservedState observed, IReadOnlyCollection<string> services)
    {
        var plan = new PlanBuilder();
        var stopped = Select(observed, services).Where(c => !c.IsRunning).ToList();
        var byService = Select(observed, []).ToLookup(c => c.Service, StringComparer.Ordinal);
        var starts = stopped.ToDictionary(c => c.Name, c => plan.Add(new StartContainer(c.Name) { Cause = $"container is {c.State}", Service = c.Service }));
        foreach (var c in stopped)
        {
            var after = new List<PlanNode>();
            foreach (var (dep, condition) in DependsOnLabel.Parse(c))
                foreach (var d in byService[dep])
                {
                    var started = starts.TryGetValue(d.Name, out var s) ? [s] : Array.Empty<PlanNode>();
                    after.AddRange(condition == DependencyCondition.Started ? started
                        : [plan.Add(new WaitContainer(d.Name, condition) { Service = dep, Cause = $"{c.Service} depends on {dep} ({condition})" }, started)]);
                }
            plan.After(starts[c.Name], after);
        }
        return plan.Build();
    }

    /// <summary>Stops running containers, dependents first.</summary>
    public static Plan PlanStop(ObservedState observed, IReadOnlyCollection<string> services, TimeSpan? timeout, string cause = "stop")
    {
        var plan = new PlanBuilder();
        var running = Select(observed, services).Where(c => c.IsRunning).ToList();
        var stops = running.ToDictionary(c => c.Name, c => plan.Add(new StopContainer(c.Name, timeout) { Cause = cause, Service = c.Service }));
        // Every running container that depends on c stops before it.
        var dependents = Planner.DependentsByLabel(running);
        foreach (var c in running) plan.After(stops[c.Name], dependents[c.Service].Select(d => stops[d.Name]));
        return plan.Build();
    }

    /// <summary>Restarts containers (running or not), dependencies first.</summary>
    public static Plan PlanRestart(ObservedState observed, IReadOnlyCollection<string> services, TimeSpan? timeout)
    {
        var plan = new PlanBuilder();
        var containers = Select(observed, services);
        var restarts = containers.ToDictionary(c => c.Name, c => plan.Add(new RestartContainer(c.Name, timeout) { Cause = "restart", Service = c.Service }));
        var dependents = Planner.DependentsByLabel(containers);
        foreach (var c in containers)
            foreach (var dependent in dependents[c.Service]) plan.After(restarts[dependent.Name], [restarts[c.Name]]);
        return plan.Build();
    }

    /// <summary>Kills running containers; given the project (<c>--remove-orphans</c>), also removes those of services it no longer has.</summary>
    public static Plan PlanKill(ObservedState observed, IReadOnlyCollection<string> services, string signal, Project? removeOrphansOf = null)
    {
        var plan = new PlanBuilder();
        var orphans = removeOrphansOf is null ? [] : Planner.Orphans(removeOrphansOf, observed).ToHashSet();
        foreach (var c in Select(observed, services).Where(c => c.IsRunning && !orphans.Contains(c)))
            plan.Add(new KillContainer(c.Name, signal) { Cause = "kill", Service = c.Service });
        foreach (var orphan in orphans)
        {
            var killed = orphan.IsRunning ? [plan.Add(new KillContainer(orphan.Name, signal) { Cause = "orphan", Service = orphan.Service })] : Array.Empty<PlanNode>();
            plan.Add(new RemoveContainer(orphan.Name) { Cause = "orphan", Service = orphan.Service }, killed);
        }
        return plan.Build();
    }

    /// <summary>Removes stopped containers; with <paramref name="stop"/> stops running ones first.</summary>
    public static Plan PlanRemove(ObservedState observed, IReadOnlyCollection<string> services, bool stop, bool removeAnonymousVolumes)
    {
        var plan = new PlanBuilder();
        foreach (var c in Select(observed, services, includeOneOff: true))
        {
            if (c.IsRunning && !stop) continue;
            var stopped = c.IsRunning ? [plan.Add(new StopContainer(c.Name, null) { Cause = "rm --stop", Service = c.Service })] : Array.Empty<PlanNode>();
            plan.Add(new RemoveContainer(c.Name, removeAnonymousVolumes) { Cause = "rm", Service = c.Service }, stopped);
        }
        return plan.Build();
    }

    /// <summary>
    /// Pulls each service's image once (by the first service that names it), for <c>composer pull</c>. Builds-only
    /// services have nothing to pull.
    /// </summary>
    public static Plan PlanPull(Project project, IReadOnlyCollection<string> services)
    {
        var plan = new PlanBuilder();
        foreach (var service in project.Services.Values.Where(s => s.Image is not null && (services.Count == 0 || services.Contains(s.Name))))
            if (!plan.Nodes.Any(n => n.Operation is PullImage p && p.Image == service.Image))
                plan.Add(new PullImage(service.Image!) { Service = service.Name, Cause = "pull" });
        return plan.Build();
    }
}
