using System.Collections.Immutable;
using Composer.Core.Graph;
using Composer.Core.Model;

namespace Composer.Core.Planning;

public sealed record UpOptions
{
    /// <summary>Services named on the command line; empty means all.</summary>
    public ImmutableArray<string> Services { get; init; } = [];
    public bool ForceRecreate { get; init; }
    public bool NoRecreate { get; init; }
    public bool NoDeps { get; init; }
    public bool NoStart { get; init; }
    public bool RemoveOrphans { get; init; }
    public ImmutableDictionary<string, int> Scale { get; init; } = ImmutableDictionary<string, int>.Empty;
    public TimeSpan? Timeout { get; init; }
    /// <summary>Services to recreate whatever their state, with the cause to show (watch mode's relink).</summary>
    public ImmutableDictionary<string, string> Recreate { get; init; } = ImmutableDictionary<string, string>.Empty;
}

public sealed record DownOptions
{
    public bool RemoveVolumes { get; init; }
    public bool RemoveOrphans { get; init; }
    public TimeSpan? Timeout { get; init; }
}

/// <summary>
/// Pure: (model, observed state, options) → plan. Decides everything (what to create, recreate, start, stop, in
/// which order and why) so the executor only runs operations.
/// </summary>
public static class Planner
{
    public static Plan PlanUp(Project project, ObservedState observed, UpOptions options)
    {
        var graph = DependencyGraph.Build(project);
        var selected = options.Services.IsEmpty
            ? project.Services.Keys.ToHashSet(StringComparer.Ordinal)
            : options.NoDeps ? options.Services.ToHashSet(StringComparer.Ordinal) : graph.WithDependencies(options.Services).ToHashSet(StringComparer.Ordinal);
        foreach (var name in options.Services.Where(s => !project.Services.ContainsKey(s)))
            throw new PlanningException($"no such service: {name}");

        var ops = new List<Operation>();
        var warnings = new List<string>();
        var resourceOps = new Dictionary<string, string>(StringComparer.Ordinal); // network/volume key → op id

        PlanNetworksAndVolumes(project, observed, selected, ops, resourceOps);
        var pullOps = PlanImages(project, observed, selected, ops);

        var byService = observed.Containers.Where(c => !c.OneOff).ToLookup(c => c.Service, StringComparer.Ordinal);
        var recreated = new HashSet<string>(StringComparer.Ordinal);
        var createOps = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var startOps = new Dictionary<string, List<string>>(StringComparer.Ordinal);

        foreach (var name in graph.TopologicalOrder().Where(selected.Contains))
        {
            var service = project.Services[name];
            var hash = ConfigHash.Compute(service);
            var imageId = observed.Images.GetValueOrDefault(BuildPlanner.ImageOf(project, service));
            var scale = options.Scale.TryGetValue(name, out var s) ? s : service.Scale;
            var existing = byService[name].ToList();

            // Recreate when the container no longer matches, or as a cascade: a dependent through links, a shared
            // network namespace or volumes_from names the old container, and depends_on restart: true asks for it.
            string? recreateCause = null;
            // links, network_mode and volumes_from imply depends_on entries: name the specific edge as the cause.
            var cascade = graph.EdgesFrom(name).OrderBy(e => e.Kind == EdgeKind.DependsOn ? 1 : 0).FirstOrDefault(e => recreated.Contains(e.To) &&
                (e.Kind is EdgeKind.Link or EdgeKind.NetworkMode or EdgeKind.VolumesFrom ||
                 e.Kind == EdgeKind.DependsOn && service.DependsOn.TryGetValue(e.To, out var d) && d.Restart));
            if (cascade is not null && !options.NoRecreate) recreateCause = $"dependency {cascade.To} recreated ({KindText(cascade.Kind)})";

            createOps[name] = [];
            startOps[name] = [];
            foreach (var number in Enumerable.Range(1, Math.Max(scale, 0)))
            {
                var container = existing.FirstOrDefault(c => c.Number == number);
                var spec = ContainerSpecBuilder.Build(project, service, number, hash, imageId);
                var containerCause = recreateCause;
                if (container is not null && containerCause is null && !options.NoRecreate)
                {
                    if (options.ForceRecreate) containerCause = "--force-recreate";
                    else if (options.Recreate.TryGetValue(name, out var why)) containerCause = why;
                    else if (container.ConfigHash != hash) containerCause = "configuration changed";
                    else if (imageId is not null && container.ImageId is not null && container.ImageId != imageId) containerCause = "image changed";
                    else if (container.Name != spec.Name) containerCause = "container name changed";
                    else if (Execution.LinkVariables.StaleTarget(container, spec, observed) is { } moved) containerCause = $"dependency {moved} has a new address";
                }

                var createAfter = new List<string>();
                if (container is null || containerCause is not null)
                {
                    if (container is not null)
                    {
                        recreated.Add(name);
                        var stop = new StopContainer(container.Name, options.Timeout ?? service.StopGracePeriod) { Id = $"stop:{container.Name}", Cause = containerCause!, Service = name };
                        var remove = new RemoveContainer(container.Name) { Id = $"remove:{container.Name}", Cause = containerCause!, After = [stop.Id], Service = name };
                        ops.Add(stop);
                        ops.Add(remove);
                        createAfter.Add(remove.Id);
                    }
                    createAfter.AddRange(ResourcesOf(service).Where(resourceOps.ContainsKey).Select(r => resourceOps[r]));
                    if (service.Image is not null && pullOps.TryGetValue(service.Image, out var pull)) createAfter.Add(pull);
                    // Links, network_mode and volumes_from name the target container: it must exist first.
                    foreach (var edge in graph.EdgesFrom(name).Where(e => e.Kind != EdgeKind.DependsOn))
                        createAfter.AddRange(createOps.GetValueOrDefault(edge.To) ?? []);
                    // Link and discovery variables hold the targets' addresses, which exist once the targets run.
                    createAfter.AddRange(spec.LinkTargets.Select(t => $"start:{t.Container}").Where(id => ops.Any(o => o.Id == id)));
                    var create = new CreateContainer(spec)
                    {
                        Id = $"create:{spec.Name}", Service = name, After = [.. createAfter.Distinct()],
                        Cause = container is null ? "missing" : containerCause!,
                    };
                    ops.Add(create);
                    createOps[name].Add(create.Id);
                    if (!options.NoStart)
                    {
                        var start = new StartContainer(spec.Name) { Id = $"start:{spec.Name}", Cause = "created", After = [create.Id], Service = name };
                        ops.Add(start);
                        startOps[name].Add(start.Id);
                    }
                }
                else if (!container.IsRunning && !options.NoStart)
                {
                    var start = new StartContainer(container.Name) { Id = $"start:{container.Name}", Cause = $"container is {container.State}", Service = name };
                    ops.Add(start);
                    startOps[name].Add(start.Id);
                }
            }

            // Scale down: the highest numbers go first.
            foreach (var extra in existing.Where(c => c.Number > scale).OrderByDescending(c => c.Number))
            {
                var stop = new StopContainer(extra.Name, options.Timeout) { Id = $"stop:{extra.Name}", Cause = $"scale {name}={scale}", Service = name };
                ops.Add(stop);
                ops.Add(new RemoveContainer(extra.Name) { Id = $"remove:{extra.Name}", Cause = $"scale {name}={scale}", After = [stop.Id], Service = name });
            }
        }

        AddStartOrdering(project, graph, selected, ops, startOps);
        PlanOrphans(project, observed, options, ops, warnings);
        return new Plan(ops, warnings);
    }

    private static string KindText(EdgeKind kind) => kind switch
    {
        EdgeKind.Link => "links",
        EdgeKind.NetworkMode => "network_mode",
        EdgeKind.VolumesFrom => "volumes_from",
        _ => "depends_on restart: true",
    };

    private static IEnumerable<string> ResourcesOf(Service s) =>
        s.Networks.Keys.Select(k => "network:" + k)
            .Concat(s.Volumes.Where(m => m.Type == MountType.Volume && m.Source is not null).Select(m => "volume:" + m.Source));

    private static void PlanNetworksAndVolumes(Project project, ObservedState observed, ISet<string> selected, List<Operation> ops, Dictionary<string, string> resourceOps)
    {
        var used = project.Services.Values.Where(s => selected.Contains(s.Name)).SelectMany(ResourcesOf).ToHashSet(StringComparer.Ordinal);
        foreach (var network in project.Networks.Values.Where(n => used.Contains("network:" + n.Key)))
        {
            if (network.External)
            {
                if (!observed.ExternalNetworks.GetValueOrDefault(network.Name))
                    throw new PlanningException($"network {network.Name} declared as external, but could not be found");
                continue;
            }
            if (observed.Networks.Any(n => n.Name == network.Name)) continue;
            var op = new CreateNetwork(ContainerSpecBuilder.Network(project, network)) { Id = $"network:{network.Name}", Cause = "missing" };
            ops.Add(op);
            resourceOps["network:" + network.Key] = op.Id;
        }
        foreach (var volume in project.Volumes.Values.Where(v => used.Contains("volume:" + v.Key)))
        {
            if (volume.External)
            {
                if (!observed.ExternalVolumes.GetValueOrDefault(volume.Name))
                    throw new PlanningException($"external volume \"{volume.Name}\" not found");
                continue;
            }
            if (observed.Volumes.Any(v => v.Name == volume.Name)) continue;
            var op = new CreateVolume(ContainerSpecBuilder.Volume(project, volume)) { Id = $"volume:{volume.Name}", Cause = "missing" };
            ops.Add(op);
            resourceOps["volume:" + volume.Key] = op.Id;
        }
    }

    private static Dictionary<string, string> PlanImages(Project project, ObservedState observed, ISet<string> selected, List<Operation> ops)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var service in project.Services.Values.Where(s => selected.Contains(s.Name) && s.Image is not null))
        {
            var image = service.Image!;
            if (result.ContainsKey(image) || observed.Images.GetValueOrDefault(image) is not null || service.PullPolicy == "never") continue;
            var op = new PullImage(image) { Id = $"pull:{image}", Cause = "image not present locally", Service = service.Name };
            ops.Add(op);
            result[image] = op.Id;
        }
        return result;
    }

    /// <summary>A container starts only after what it depends on is started, healthy or completed, as its condition says.</summary>
    private static void AddStartOrdering(Project project, DependencyGraph graph, ISet<string> selected, List<Operation> ops, Dictionary<string, List<string>> startOps)
    {
        var waits = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < ops.Count; i++)
        {
            if (ops[i] is not StartContainer start || start.Service is not { } name) continue;
            var service = project.Services[name];
            var after = start.After.ToList();
            var soft = new List<string>();
            foreach (var dep in graph.DependenciesOf(name).Where(selected.Contains))
            {
                var condition = service.DependsOn.TryGetValue(dep, out var d) ? d.Condition : DependencyCondition.Started;
                // required: false orders the start but never blocks it; links, network_mode and volumes_from always do.
                var required = d is not { Required: false } || graph.EdgesFrom(name).Any(e => e.To == dep && e.Kind != EdgeKind.DependsOn);
                var target = required ? after : soft;
                var depStarts = startOps.GetValueOrDefault(dep) ?? [];
                if (condition == DependencyCondition.Started)
                {
                    target.AddRange(depStarts);
                    continue;
                }
                var depService = project.Services[dep];
                foreach (var number in Enumerable.Range(1, Math.Max(1, depService.Scale)))
                {
                    var container = project.ContainerName(depService, number);
                    var key = $"wait:{container}:{condition}" + (required ? "" : ":optional");
                    if (!waits.ContainsKey(key))
                    {
                        var startId = $"start:{container}";
                        waits[key] = key;
                        ops.Add(new WaitContainer(container, condition)
                        {
                            Id = key, Service = dep, Cause = $"{name} depends on {dep} ({condition}{(required ? "" : ", required: false")})",
                            After = depStarts.Contains(startId) ? [startId] : [],
                            Required = required,
                        });
                    }
                    target.Add(key);
                }
            }
            ops[i] = start with { After = [.. after.Distinct()], SoftAfter = [.. soft.Distinct()] };
        }
    }

    private static void PlanOrphans(Project project, ObservedState observed, UpOptions options, List<Operation> ops, List<string> warnings)
    {
        var orphans = observed.Containers
            .Where(c => !c.OneOff && !project.Services.ContainsKey(c.Service) && !project.DisabledServices.ContainsKey(c.Service))
            .OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        if (orphans.Count == 0) return;
        if (!options.RemoveOrphans)
        {
            warnings.Add($"Found orphan containers ([{string.Join(" ", orphans.Select(o => o.Name))}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.");
            return;
        }
        foreach (var orphan in orphans)
        {
            var stop = new StopContainer(orphan.Name, options.Timeout) { Id = $"stop:{orphan.Name}", Cause = "orphan", Service = orphan.Service };
            ops.Add(stop);
            ops.Add(new RemoveContainer(orphan.Name) { Id = $"remove:{orphan.Name}", Cause = "orphan", After = [stop.Id], Service = orphan.Service });
        }
    }

    /// <summary>
    /// Tears a project down: each container is stopped after the containers that depend on it (read from the
    /// depends_on label, so no compose file is needed), then removed; networks after all containers; volumes with -v.
    /// Only what <paramref name="observed"/> holds is touched, and it holds only what carries the project's label.
    /// </summary>
    public static Plan PlanDown(Project? project, ObservedState observed, DownOptions options)
    {
        var ops = new List<Operation>();
        var containers = observed.Containers
            .Where(c => options.RemoveOrphans || project is null || c.OneOff || project.Services.ContainsKey(c.Service) || project.DisabledServices.ContainsKey(c.Service))
            .ToList();
        var warnings = new List<string>();
        if (project is not null && !options.RemoveOrphans)
        {
            var orphans = observed.Containers.Except(containers).Select(c => c.Name).Order(StringComparer.Ordinal).ToList();
            if (orphans.Count > 0)
                warnings.Add($"Found orphan containers ([{string.Join(" ", orphans)}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.");
        }

        // dependents[x] = services whose containers must stop before x's.
        var dependents = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var c in containers)
            foreach (var dep in DependenciesFromLabel(c))
            {
                if (!dependents.TryGetValue(dep, out var set)) dependents[dep] = set = new(StringComparer.Ordinal);
                set.Add(c.Service);
            }
        var byService = containers.ToLookup(c => c.Service, StringComparer.Ordinal);
        var removeIds = new List<string>();
        foreach (var c in containers.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            var timeout = options.Timeout ?? (project?.Services.GetValueOrDefault(c.Service)?.StopGracePeriod);
            var after = (dependents.GetValueOrDefault(c.Service) ?? [])
                .Where(s => s != c.Service)
                .SelectMany(s => byService[s]).Where(x => x.IsRunning).Select(x => $"stop:{x.Name}").ToList();
            string? stopId = null;
            if (c.IsRunning)
            {
                stopId = $"stop:{c.Name}";
                ops.Add(new StopContainer(c.Name, timeout) { Id = stopId, Cause = "down", After = [.. after], Service = c.Service });
            }
            var remove = new RemoveContainer(c.Name)
            {
                Id = $"remove:{c.Name}", Cause = "down", Service = c.Service,
                After = stopId is null ? [.. after] : [stopId],
            };
            ops.Add(remove);
            removeIds.Add(remove.Id);
        }
        foreach (var n in observed.Networks.OrderBy(n => n.Name, StringComparer.Ordinal))
            ops.Add(new RemoveNetwork(n.Name) { Id = $"rmnet:{n.Name}", Cause = "down", After = [.. removeIds] });
        if (options.RemoveVolumes)
            foreach (var v in observed.Volumes.OrderBy(v => v.Name, StringComparer.Ordinal))
                ops.Add(new RemoveVolume(v.Name) { Id = $"rmvol:{v.Name}", Cause = "down -v", After = [.. removeIds] });
        return new Plan(ops, warnings);
    }

    public static IEnumerable<string> DependenciesFromLabel(ObservedContainer c) =>
        c.Labels.TryGetValue(ComposeLabels.DependsOn, out var label) && label.Length > 0
            ? label.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split(':')[0])
            : [];
}
