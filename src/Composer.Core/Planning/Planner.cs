using System.Collections.Immutable;
using Composer.Core.Engine;
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
    /// <summary>
    /// Plan for <c>run</c>: what a one-off container of this service needs (its networks, volumes, image and, unless
    /// <see cref="NoDeps"/>, its dependencies meeting their conditions), but not the service's own containers.
    /// </summary>
    public string? OneOffService { get; init; }
    /// <summary>Services to recreate whatever their state, with the cause to show (watch mode's relink).</summary>
    public ImmutableDictionary<string, string> Recreate { get; init; } = ImmutableDictionary<string, string>.Empty;
    /// <summary><c>-V/--renew-anon-volumes</c>: recreated containers get new anonymous volumes instead of their predecessors'.</summary>
    public bool RenewAnonVolumes { get; init; }
    /// <summary>The time <c>pull_policy: every_…</c> compares image tag times with; null: the clock's.</summary>
    public DateTimeOffset? Now { get; init; }
    /// <summary>
    /// Containers seen earlier that are gone now (watch mode: removed with <c>docker rm -f</c>), by name: their
    /// replacements mount the anonymous volumes they had.
    /// </summary>
    public ImmutableDictionary<string, ObservedContainer> Predecessors { get; init; } = ImmutableDictionary<string, ObservedContainer>.Empty;
    /// <summary>
    /// Watch mode's relink: a recreated container is renamed out of the way and left running while its replacement
    /// is created and started (so the replacement never waits for the old one's grace period); the caller stops and
    /// removes the renamed ones. Not when both publish the same host port: then the old one stops first (a warning says so).
    /// </summary>
    public bool StartReplacementFirst { get; init; }
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
        var selected = graph.Select(options.Services, options.NoDeps);
        foreach (var name in options.Services.Where(s => !project.Services.ContainsKey(s)))
            throw new PlanningException($"no such service: {name}");

        var plan = new PlanBuilder();
        var resourceOps = new Dictionary<string, PlanNode>(StringComparer.Ordinal); // network/volume key → its create

        var doomedNetworks = new Dictionary<string, PlanNode>(StringComparer.Ordinal); // duplicate network id → its removal
        PlanNetworksAndVolumes(project, observed, selected, plan, resourceOps, doomedNetworks);
        var pullOps = PlanImages(project, observed, selected, plan, options.Now ?? DateTimeOffset.UtcNow);

        var byService = observed.Containers.Where(c => !c.OneOff).ToLookup(c => c.Service, StringComparer.Ordinal);
        var recreated = new HashSet<string>(StringComparer.Ordinal);
        var createOps = new Dictionary<string, List<PlanNode>>(StringComparer.Ordinal);
        var startOps = new Dictionary<string, List<PlanNode>>(StringComparer.Ordinal);
        var startByContainer = new Dictionary<string, PlanNode>(StringComparer.Ordinal);

        var order = graph.TopologicalOrder().Where(selected.Contains).ToList();
        var prepared = PrepareReplicas(project, observed, options, order);
        foreach (var name in order)
        {
            createOps[name] = [];
            startOps[name] = [];
            // A one-off container is made by `run` itself: plan only what it needs around it.
            if (name == options.OneOffService) continue;
            var service = project.Services[name];
            var (hash, imageId, scale, specs) = prepared[name];
            var existing = byService[name].ToList();

            // Recreate when the container no longer matches, or as a cascade: a dependent through links, a shared
            // network namespace or volumes_from names the old container, and depends_on restart: true asks for it.
            string? recreateCause = null;
            // links, network_mode and volumes_from imply depends_on entries: name the specific edge as the cause.
            var cascade = graph.EdgesFrom(name).OrderBy(e => e.Kind == EdgeKind.DependsOn ? 1 : 0).FirstOrDefault(e => recreated.Contains(e.To) &&
                (e.Kind is EdgeKind.Link or EdgeKind.NetworkMode or EdgeKind.VolumesFrom ||
                 e.Kind == EdgeKind.DependsOn && service.DependsOn.TryGetValue(e.To, out var d) && d.Restart));
            if (cascade is not null && !options.NoRecreate) recreateCause = $"dependency {cascade.To} recreated ({(cascade.Kind == EdgeKind.DependsOn ? "depends_on restart: true" : cascade.Kind.Text())})";

            foreach (var number in Enumerable.Range(1, specs.Length))
            {
                var container = existing.FirstOrDefault(c => c.Number == number && !RetiredContainers.IsRetired(c.Name));
                var spec = specs[number - 1];
                if (!options.RenewAnonVolumes && (container ?? options.Predecessors.GetValueOrDefault(spec.Name)) is { } predecessor)
                    spec = AnonymousVolumes.Inherit(spec, predecessor);
                var containerCause = recreateCause;
                if (container is not null && containerCause is null && !options.NoRecreate)
                {
                    if (options.ForceRecreate) containerCause = "--force-recreate";
                    else if (options.Recreate.TryGetValue(name, out var why)) containerCause = why;
                    else if (container.ConfigHash != hash) containerCause = RecreateCauses.ConfigurationChanged;
                    else if (imageId is not null && container.ImageId is not null && container.ImageId != imageId) containerCause = "image changed";
                    else if (container.Name != spec.Name) containerCause = "container name changed";
                    else if (LinkVariables.StaleTarget(container, spec, observed) is { } moved) containerCause = $"dependency {moved} has a new address";
                }
                if (container is not null && containerCause is null && container.NetworkIds.Any(doomedNetworks.ContainsKey))
                    containerCause = "attached to a duplicate network";

                var createAfter = new List<PlanNode>();
                if (container is null || containerCause is not null)
                {
                    var sharedPorts = container is null ? [] : RetiredContainers.SharedHostPorts(container, spec);
                    if (container is not null && options.StartReplacementFirst && sharedPorts.Count == 0)
                    {
                        recreated.Add(name);
                        createAfter.Add(plan.Add(new RenameContainer(container.Name, RetiredContainers.NameFor(container)) { Cause = containerCause!, Service = name }));
                    }
                    else if (container is not null)
                    {
                        if (options.StartReplacementFirst)
                            plan.Warn($"{container.Name} stopped before its replacement started: both publish host port {string.Join(", ", sharedPorts)}");
                        recreated.Add(name);
                        var stop = plan.Add(new StopContainer(container.Name, options.Timeout ?? service.StopGracePeriod) { Cause = containerCause!, Service = name });
                        // Its anonymous volumes go to the new container (unless renewed): removed without them.
                        var remove = plan.Add(new RemoveContainer(container.Name, RemoveAnonymousVolumes: options.RenewAnonVolumes) { Cause = containerCause!, Service = name }, stop);
                        createAfter.Add(remove);
                        foreach (var id in container.NetworkIds.Where(doomedNetworks.ContainsKey)) plan.After(doomedNetworks[id], [remove]);
                    }
                    createAfter.AddRange(ResourcesOf(service).Where(resourceOps.ContainsKey).Select(r => resourceOps[r]));
                    if (service.Image is not null && pullOps.TryGetValue(service.Image, out var pull)) createAfter.Add(pull);
                    // Links, network_mode and volumes_from name the target container: it must exist first.
                    foreach (var edge in graph.EdgesFrom(name).Where(e => e.Kind != EdgeKind.DependsOn))
                        createAfter.AddRange(createOps.GetValueOrDefault(edge.To) ?? []);
                    // Link and discovery variables hold the targets' addresses, which exist once the targets run.
                    foreach (var target in spec.LinkTargets)
                        if (startByContainer.TryGetValue(target.Container, out var targetStart)) createAfter.Add(targetStart);
                    var create = plan.Add(new CreateContainer(spec) { Service = name, Cause = container is null ? "missing" : containerCause! }, createAfter);
                    createOps[name].Add(create);
                    if (!options.NoStart)
                    {
                        var start = plan.Add(new StartContainer(spec.Name) { Cause = "created", Service = name }, create);
                        startOps[name].Add(start);
                        startByContainer[spec.Name] = start;
                    }
                }
                else if (!container.IsRunning && !options.NoStart)
                {
                    var start = plan.Add(new StartContainer(container.Name) { Cause = $"container is {container.State}", Service = name });
                    startOps[name].Add(start);
                    startByContainer[container.Name] = start;
                }
            }

            // Scale down: the highest numbers go first.
            foreach (var extra in existing.Where(c => c.Number > scale).OrderByDescending(c => c.Number))
                StopAndRemove(plan, extra, options.Timeout, $"scale {name}={scale}");
        }

        AddStartOrdering(project, graph, selected, plan, startOps, startByContainer);
        if (options.OneOffService is { } oneOff && !options.NoDeps) WaitForOneOffDependencies(project, oneOff, plan, startByContainer);
        PlanOrphans(project, observed, options, plan);
        return plan.Build();
    }

    private static void StopAndRemove(PlanBuilder plan, ObservedContainer container, TimeSpan? timeout, string cause)
    {
        var stop = plan.Add(new StopContainer(container.Name, timeout) { Cause = cause, Service = container.Service });
        plan.Add(new RemoveContainer(container.Name) { Cause = cause, Service = container.Service }, stop);
    }

    /// <summary>A one-off container starts once its dependencies meet their conditions (its own start is not in the plan).</summary>
    private static void WaitForOneOffDependencies(Project project, string oneOff, PlanBuilder plan, Dictionary<string, PlanNode> startByContainer)
    {
        foreach (var (dep, d) in project.Services[oneOff].DependsOn.Where(kv => kv.Value.Condition != DependencyCondition.Started && project.Services.ContainsKey(kv.Key)))
        {
            var container = project.ContainerName(project.Services[dep], 1);
            plan.Add(new WaitContainer(container, d.Condition) { Service = dep, Cause = $"{oneOff} depends on {dep} ({d.Condition})", Required = d.Required },
                startByContainer.TryGetValue(container, out var start) ? [start] : []);
        }
    }

    private static IEnumerable<string> ResourcesOf(Service s) =>
        s.Networks.Keys.Select(k => "network:" + k)
            .Concat(s.Volumes.Where(m => m.Type == MountType.Volume && m.Source is not null).Select(m => "volume:" + m.Source));

    private sealed record Replicas(string Hash, string? ImageId, int Scale, ContainerSpec[] Specs);

    /// <summary>
    /// Each service's config hash and its replicas' container specs: pure and independent of each other, so they are
    /// made on every core before the ordered walk (at 500 services they were most of a nothing-to-do <c>up</c>). A
    /// failure is thrown as the walk would have met it: the first in dependency order.
    /// </summary>
    private static Dictionary<string, Replicas> PrepareReplicas(Project project, ObservedState observed, UpOptions options, List<string> order)
    {
        var names = order.Where(n => n != options.OneOffService).ToArray();
        var results = new Replicas?[names.Length];
        var failures = new Exception?[names.Length];
        void Prepare(int i)
        {
            try
            {
                var service = project.Services[names[i]];
                var hash = ConfigHash.Compute(service);
                var imageId = observed.Images.GetValueOrDefault(BuildPlanner.ImageOf(project, service));
                var scale = options.Scale.TryGetValue(names[i], out var s) ? s : service.Scale;
                results[i] = new Replicas(hash, imageId, scale, [.. Enumerable.Range(1, Math.Max(scale, 0)).Select(n => ContainerSpecBuilder.Build(project, service, n, hash, imageId))]);
            }
            catch (Exception e) { failures[i] = e; }
        }
        if (names.Length >= 32) Parallel.For(0, names.Length, Prepare);
        else for (var i = 0; i < names.Length; i++) Prepare(i);
        if (failures.FirstOrDefault(f => f is not null) is { } first) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        return names.Select((n, i) => (n, r: results[i]!)).ToDictionary(x => x.n, x => x.r, StringComparer.Ordinal);
    }

    private static void PlanNetworksAndVolumes(Project project, ObservedState observed, ISet<string> selected, PlanBuilder plan, Dictionary<string, PlanNode> resourceOps,
        Dictionary<string, PlanNode> doomedNetworks)
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
            var same = observed.Networks.Where(n => n.Name == network.Name).ToList();
            if (same.Count > 1)
            {
                // Keep one, remove the others after the containers attached to them (recreated below).
                var keep = DuplicateNetworks.Keep(same, observed.Containers);
                plan.Warn(DuplicateNetworks.Warning(network.Name, same));
                PlanNode? last = null;
                foreach (var extra in same.Where(n => n != keep).OrderBy(n => n.Id, StringComparer.Ordinal))
                {
                    var node = plan.Add(new RemoveNetwork(extra.Id) { Cause = $"duplicate of network {network.Name}" });
                    doomedNetworks[extra.Id] = node;
                    last = node;
                }
                if (last is { } l) resourceOps["network:" + network.Key] = l;
                continue;
            }
            if (same.Count == 1) continue;
            resourceOps["network:" + network.Key] = plan.Add(new CreateNetwork(ContainerSpecBuilder.Network(project, network)) { Cause = "missing" });
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
            resourceOps["volume:" + volume.Key] = plan.Add(new CreateVolume(ContainerSpecBuilder.Volume(project, volume)) { Cause = "missing" });
        }
    }

    private static Dictionary<string, PlanNode> PlanImages(Project project, ObservedState observed, ISet<string> selected, PlanBuilder plan, DateTimeOffset now)
    {
        var result = new Dictionary<string, PlanNode>(StringComparer.Ordinal);
        foreach (var service in project.Services.Values.Where(s => selected.Contains(s.Name) && s.Image is not null).OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            var image = service.Image!;
            if (result.ContainsKey(image) || PullCause(service, observed, now) is not { } cause) continue;
            // Compose ignores a failed pull of an image some service can build.
            var buildable = project.Services.Values.Any(s => s.Build is not null && BuildPlanner.ImageOf(project, s) == image);
            result[image] = plan.Add(new PullImage(image) { Cause = cause, Service = service.Name, Required = !buildable });
        }
        return result;
    }

    /// <summary>Why <c>up</c> pulls the service's image, or null when it does not: Compose's <c>mustPull</c>.</summary>
    internal static string? PullCause(Service service, ObservedState observed, DateTimeOffset now)
    {
        if (!PullPolicy.TryParse(service.PullPolicy, out var policy, out var error))
            throw new PlanningException($"service \"{service.Name}\": pull_policy \"{service.PullPolicy}\": {error}");
        var present = observed.Images.GetValueOrDefault(service.Image!) is not null;
        switch (policy.Kind)
        {
            case PullPolicyKind.Always: return "pull_policy: always";
            case PullPolicyKind.Never or PullPolicyKind.Build: return null;
            case PullPolicyKind.Refresh when present:
                // An image with no tag time (never tagged here) counts as old, as Compose's zero LastTagTime does.
                var tagged = observed.ImageTagTimes.TryGetValue(service.Image!, out var t) ? t : DateTimeOffset.MinValue;
                return now - tagged > policy.RefreshAfter ? $"pull_policy: {service.PullPolicy}, the local image is older" : null;
            default: return present ? null : "image not present locally";
        }
    }

    /// <summary>A container starts only after what it depends on is started, healthy or completed, as its condition says.</summary>
    private static void AddStartOrdering(Project project, DependencyGraph graph, ISet<string> selected, PlanBuilder plan,
        Dictionary<string, List<PlanNode>> startOps, Dictionary<string, PlanNode> startByContainer)
    {
        foreach (var (node, op) in plan.Nodes.ToList())
        {
            if (op is not StartContainer || op.Service is not { } name) continue;
            var service = project.Services[name];
            var after = new List<PlanNode>();
            var soft = new List<PlanNode>();
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
                    var started = startByContainer.TryGetValue(container, out var s) && depStarts.Contains(s) ? [s] : Array.Empty<PlanNode>();
                    target.Add(plan.Add(new WaitContainer(container, condition)
                    {
                        Service = dep, Cause = $"{name} depends on {dep} ({condition}{(required ? "" : ", required: false")})", Required = required,
                    }, started));
                }
            }
            plan.After(node, after, soft);
        }
    }

    private static void PlanOrphans(Project project, ObservedState observed, UpOptions options, PlanBuilder plan)
    {
        var orphans = Orphans(project, observed).ToList();
        if (orphans.Count == 0) return;
        if (!options.RemoveOrphans)
        {
            plan.Warn(OrphanWarning(orphans.Select(o => o.Name)));
            return;
        }
        foreach (var orphan in orphans) StopAndRemove(plan, orphan, options.Timeout, "orphan");
    }

    /// <summary>Containers of services the file no longer has (disabled by a profile is not gone), by name.</summary>
    public static IEnumerable<ObservedContainer> Orphans(Project project, ObservedState observed) =>
        observed.Containers
            .Where(c => !c.OneOff && !project.Services.ContainsKey(c.Service) && !project.DisabledServices.ContainsKey(c.Service))
            .OrderBy(c => c.Name, StringComparer.Ordinal);

    private static string OrphanWarning(IEnumerable<string> orphans) =>
        $"Found orphan containers ([{string.Join(" ", orphans)}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.";

    /// <summary>
    /// Tears a project down: each container is stopped after the containers that depend on it (read from the
    /// depends_on label, so no compose file is needed), then removed; networks after all containers; volumes with -v.
    /// Only what <paramref name="observed"/> holds is touched, and it holds only what carries the project's label.
    /// </summary>
    public static Plan PlanDown(Project? project, ObservedState observed, DownOptions options)
    {
        var plan = new PlanBuilder();
        var containers = observed.Containers
            .Where(c => options.RemoveOrphans || project is null || c.OneOff || project.Services.ContainsKey(c.Service) || project.DisabledServices.ContainsKey(c.Service))
            .ToList();
        if (project is not null && !options.RemoveOrphans)
        {
            var orphans = observed.Containers.Except(containers).Select(c => c.Name).Order(StringComparer.Ordinal).ToList();
            if (orphans.Count > 0) plan.Warn(OrphanWarning(orphans));
        }

        // Every running container stops after the running containers that depend on it.
        var ordered = containers.OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        var stops = ordered.Where(c => c.IsRunning).ToDictionary(c => c.Name, c => plan.Add(new StopContainer(c.Name,
            options.Timeout ?? project?.Services.GetValueOrDefault(c.Service)?.StopGracePeriod) { Cause = "down", Service = c.Service }));
        var dependents = DependentsByLabel(containers);
        var removes = new List<PlanNode>();
        foreach (var c in ordered)
        {
            var after = dependents[c.Service].Where(x => x.IsRunning).Select(x => stops[x.Name]).ToList();
            if (stops.TryGetValue(c.Name, out var stop))
            {
                plan.After(stop, after);
                after = [stop];
            }
            removes.Add(plan.Add(new RemoveContainer(c.Name) { Cause = "down", Service = c.Service }, after));
        }
        foreach (var group in observed.Networks.GroupBy(n => n.Name, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (group.Count() == 1)
            {
                plan.Add(new RemoveNetwork(group.Key) { Cause = "down" }, removes);
                continue;
            }
            // A name the engine holds twice is ambiguous: each is removed by its id.
            plan.Warn(DuplicateNetworks.Warning(group.Key, group));
            foreach (var n in group.OrderBy(n => n.Id, StringComparer.Ordinal))
                plan.Add(new RemoveNetwork(n.Id) { Cause = $"down (duplicate of network {group.Key})" }, removes);
        }
        if (options.RemoveVolumes)
            foreach (var v in observed.Volumes.OrderBy(v => v.Name, StringComparer.Ordinal))
                plan.Add(new RemoveVolume(v.Name) { Cause = "down -v" }, removes);
        return plan.Build();
    }

    /// <summary>Service → the containers (of other services) whose depends_on label names it: they stop first.</summary>
    public static ILookup<string, ObservedContainer> DependentsByLabel(IEnumerable<ObservedContainer> containers) =>
        containers.SelectMany(c => DependsOnLabel.Parse(c).Where(d => d.Service != c.Service).Select(d => (d.Service, Container: c)))
            .ToLookup(x => x.Service, x => x.Container, StringComparer.Ordinal);
}
