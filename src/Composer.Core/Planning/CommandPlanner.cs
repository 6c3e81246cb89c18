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

    private static IEnumerable<(string Service, string Condition)> Dependencies(ObservedContainer c) =>
        c.Labels.TryGetValue(ComposeLabels.DependsOn, out var label) && label.Length > 0
            ? label.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split(':')).Select(p => (p[0], p.Length > 1 ? p[1] : DependencyCondition.Started))
            : [];

    /// <summary>Starts stopped containers, each after its dependencies are started, healthy or completed.</summary>
    public static Plan PlanStart(ObservedState observed, IReadOnlyCollection<string> services)
    {
        var containers = Select(observed, services);
        var all = Select(observed, []);
        var byService = all.ToLookup(c => c.Service, StringComparer.Ordinal);
        var starting = containers.Where(c => !c.IsRunning).ToDictionary(c => c.Name, c => $"start:{c.Name}");
        var ops = new List<Operation>();
        foreach (var c in containers.Where(c => !c.IsRunning))
        {
            var after = new List<string>();
            foreach (var (dep, condition) in Dependencies(c))
                foreach (var d in byService[dep])
                {
                    if (condition == DependencyCondition.Started)
                    {
                        if (starting.TryGetValue(d.Name, out var id)) after.Add(id);
                        continue;
                    }
                    var key = $"wait:{d.Name}:{condition}";
                    if (!ops.Any(o => o.Id == key))
                        ops.Add(new WaitContainer(d.Name, condition)
                        {
                            Id = key, Service = dep, Cause = $"{c.Service} depends on {dep} ({condition})",
                            After = starting.TryGetValue(d.Name, out var sid) ? [sid] : [],
                        });
                    after.Add(key);
                }
            ops.Add(new StartContainer(c.Name) { Id = starting[c.Name], Cause = $"container is {c.State}", Service = c.Service, After = [.. after.Distinct()] });
        }
        return new Plan(ops);
    }

    /// <summary>Stops running containers, dependents first.</summary>
    public static Plan PlanStop(ObservedState observed, IReadOnlyCollection<string> services, TimeSpan? timeout)
    {
        var running = Select(observed, services).Where(c => c.IsRunning).ToList();
        var ops = new List<Operation>();
        foreach (var c in running)
        {
            // Every running container that depends on c stops before it.
            var after = running.Where(o => o.Name != c.Name && Dependencies(o).Any(d => d.Service == c.Service)).Select(o => $"stop:{o.Name}");
            ops.Add(new StopContainer(c.Name, timeout) { Id = $"stop:{c.Name}", Cause = "stop", Service = c.Service, After = [.. after] });
        }
        return new Plan(ops);
    }

    /// <summary>Restarts containers (running or not), dependencies first.</summary>
    public static Plan PlanRestart(ObservedState observed, IReadOnlyCollection<string> services, TimeSpan? timeout)
    {
        var containers = Select(observed, services);
        var ops = new List<Operation>();
        foreach (var c in containers)
        {
            var after = containers.Where(o => o.Name != c.Name && Dependencies(c).Any(d => d.Service == o.Service)).Select(o => $"restart:{o.Name}");
            ops.Add(new RestartContainer(c.Name, timeout) { Id = $"restart:{c.Name}", Cause = "restart", Service = c.Service, After = [.. after] });
        }
        return new Plan(ops);
    }

    public static Plan PlanKill(ObservedState observed, IReadOnlyCollection<string> services, string signal) =>
        new(Select(observed, services).Where(c => c.IsRunning)
            .Select(c => new KillContainer(c.Name, signal) { Id = $"kill:{c.Name}", Cause = "kill", Service = c.Service }));

    /// <summary>Removes stopped containers; with <paramref name="stop"/> stops running ones first.</summary>
    public static Plan PlanRemove(ObservedState observed, IReadOnlyCollection<string> services, bool stop, bool removeAnonymousVolumes)
    {
        var ops = new List<Operation>();
        foreach (var c in Select(observed, services, includeOneOff: true))
        {
            if (c.IsRunning && !stop) continue;
            var after = new List<string>();
            if (c.IsRunning)
            {
                ops.Add(new StopContainer(c.Name, null) { Id = $"stop:{c.Name}", Cause = "rm --stop", Service = c.Service });
                after.Add($"stop:{c.Name}");
            }
            ops.Add(new RemoveContainer(c.Name, removeAnonymousVolumes) { Id = $"remove:{c.Name}", Cause = "rm", Service = c.Service, After = [.. after] });
        }
        return new Plan(ops);
    }
}
