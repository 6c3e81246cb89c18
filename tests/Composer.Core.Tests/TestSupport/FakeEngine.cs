using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Composer.Core.Engine;
using Composer.Core.Model;
using Composer.Core.Planning;

namespace Composer.Core.Tests.TestSupport;

/// <summary>
/// An in-memory engine: enough of Docker's behaviour (names unique, links need an existing target, start needs a
/// created container) to test the planner and executor without one. Records every call in order.
/// </summary>
public sealed partial class FakeEngine : IContainerEngine
{
    public sealed record Container(string Id, ContainerSpec Spec, string State, string ImageId);

    public ConcurrentDictionary<string, Container> Containers { get; } = new();
    public ConcurrentDictionary<string, NetworkSpec> Networks { get; } = new();
    public ConcurrentDictionary<string, VolumeSpec> Volumes { get; } = new();
    public Dictionary<string, string> Images { get; } = new() { ["x"] = "sha256:x1", ["busybox"] = "sha256:bb1" };
    public ConcurrentQueue<string> Calls { get; } = new();
    /// <summary>Operations (by description) that fail with this message.</summary>
    public Dictionary<string, string> Failures { get; } = [];
    public int MaxConcurrentCalls => _maxConcurrent;

    private int _concurrent;
    private int _maxConcurrent;
    private int _ids;

    /// <summary>Container name → how many more observations still report it running (the engine's list lagging an event).</summary>
    public ConcurrentDictionary<string, int> ReportRunningFor { get; } = new();

    private string ReportedState(Container c)
    {
        if (!ReportRunningFor.TryGetValue(c.Spec.Name, out var left) || left <= 0) return c.State;
        ReportRunningFor[c.Spec.Name] = left - 1;
        return ContainerState.Running;
    }

    /// <summary>Also log each listing in <see cref="Calls"/> (as "observe"), for tests of when a repair lists the project.</summary>
    public bool LogObservations { get; set; }

    public Task<ObservedState> ObserveAsync(ObserveRequest request, CancellationToken cancellationToken)
    {
        if (LogObservations) Calls.Enqueue(request.Services is null ? "observe" : $"observe {string.Join(",", request.Services.Order(StringComparer.Ordinal))}");
        var containers = Containers.Values
            .Where(c => c.Spec.Labels.GetValueOrDefault(ComposeLabels.Project) == request.Project)
            .Where(c => request.Services is null || request.Services.Contains(c.Spec.Service))
            .Select(c => new ObservedContainer
            {
                Id = c.Id, Name = c.Spec.Name, Service = c.Spec.Service, Number = c.Spec.Number, State = ReportedState(c),
                ConfigHash = c.Spec.Labels.GetValueOrDefault(ComposeLabels.ConfigHash), ImageId = c.ImageId,
                Labels = c.Spec.Labels, Image = c.Spec.Image,
                Networks = c.Spec.PrimaryNetwork is { } primary ? [primary.NetworkName, .. c.Spec.ExtraNetworks.Select(x => x.NetworkName)] : [],
                Addresses = c.State == ContainerState.Running && c.Spec.PrimaryNetwork is { } n && _address.TryGetValue(c.Spec.Name, out var a)
                    ? ImmutableSortedDictionary<string, string>.Empty.Add(n.NetworkName, a) : ImmutableSortedDictionary<string, string>.Empty,
            }).OrderBy(c => c.Name, StringComparer.Ordinal).ToImmutableArray();
        return Task.FromResult(new ObservedState
        {
            Containers = containers,
            Networks = [.. Networks.Values.Where(n => n.Labels.GetValueOrDefault(ComposeLabels.Project) == request.Project)
                .Select(n => new ObservedNetwork(n.Name, n.Name, n.Labels.GetValueOrDefault(ComposeLabels.Network)))],
            Volumes = [.. Volumes.Values.Where(v => v.Labels.GetValueOrDefault(ComposeLabels.Project) == request.Project)
                .Select(v => new ObservedVolume(v.Name, v.Labels.GetValueOrDefault(ComposeLabels.Volume)))],
            Images = request.Images.Distinct().ToImmutableSortedDictionary(i => i, i => Images.GetValueOrDefault(i), StringComparer.Ordinal),
            ExternalNetworks = request.ExternalNetworks.ToImmutableSortedDictionary(n => n, Networks.ContainsKey, StringComparer.Ordinal),
            ExternalVolumes = request.ExternalVolumes.ToImmutableSortedDictionary(v => v, Volumes.ContainsKey, StringComparer.Ordinal),
        });
    }

    private async Task Call(string what, Action action)
    {
        Calls.Enqueue(what);
        var now = Interlocked.Increment(ref _concurrent);
        InterlockedMax(ref _maxConcurrent, now);
        try
        {
            await Task.Yield();
            if (CallHook is not null) await CallHook(what);
            if (Failures.TryGetValue(what, out var message)) throw new EngineException(message);
            action();
        }
        finally
        {
            Interlocked.Decrement(ref _concurrent);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }

    public Task PullImageAsync(string image, CancellationToken ct) =>
        Call($"pull image {image}", () => throw new ImageNotFoundException(image, "no registry in tests"));

    public Task CreateNetworkAsync(NetworkSpec spec, CancellationToken ct) => Call($"create network {spec.Name}", () =>
    {
        if (!Networks.TryAdd(spec.Name, spec)) throw new EngineException($"network with name {spec.Name} already exists");
    });

    public Task RemoveNetworkAsync(string name, CancellationToken ct) => Call($"remove network {name}", () => Networks.TryRemove(name, out _));
    public Task CreateVolumeAsync(VolumeSpec spec, CancellationToken ct) => Call($"create volume {spec.Name}", () => Volumes[spec.Name] = spec);
    public Task RemoveVolumeAsync(string name, CancellationToken ct) => Call($"remove volume {name}", () => Volumes.TryRemove(name, out _));

    public async Task<string> CreateContainerAsync(ContainerSpec spec, CancellationToken ct)
    {
        var id = $"id{Interlocked.Increment(ref _ids)}";
        await Call($"create container {spec.Name}", () =>
        {
            if (!Images.TryGetValue(spec.Image, out var imageId)) throw new EngineException($"No such image: {spec.Image}");
            foreach (var link in spec.Links)
                if (!Containers.ContainsKey(link.Split(':')[0])) throw new EngineException($"could not get container for {link}");
            if (!Containers.TryAdd(spec.Name, new Container(id, spec, ContainerState.Created, imageId)))
                throw new EngineException($"Conflict. The container name \"/{spec.Name}\" is already in use");
        });
        return id;
    }

    public Task StartContainerAsync(string name, CancellationToken ct) => Call($"start container {name}", () =>
    {
        var c = Containers.TryGetValue(name, out var found) ? found : throw new EngineException($"No such container: {name}");
        foreach (var link in c.Spec.Links)
            if (Containers.GetValueOrDefault(link.Split(':')[0])?.State != ContainerState.Running)
                throw new EngineException($"Cannot link to a non running container: {link}");
        Containers[name] = c with { State = ContainerState.Running };
        _address[name] = $"10.0.0.{Interlocked.Increment(ref _addresses) + 1}";
    });

    public Task StopContainerAsync(string name, TimeSpan? timeout, CancellationToken ct) => Call($"stop container {name}", () =>
    {
        if (Containers.TryGetValue(name, out var c)) Containers[name] = c with { State = ContainerState.Exited };
    });

    public Task RemoveContainerAsync(string name, bool removeAnonymousVolumes, CancellationToken ct) =>
        Call($"remove container {name}", () => Containers.TryRemove(name, out _));

    public Task RenameContainerAsync(string name, string newName, CancellationToken ct) => Call($"rename container {name} {newName}", () =>
    {
        if (Containers.TryRemove(name, out var c)) Containers[newName] = c with { Spec = c.Spec with { Name = newName } };
    });

    public Task KillContainerAsync(string name, string signal, CancellationToken ct) => Call($"kill container {name} {signal}", () =>
    {
        if (Containers.TryGetValue(name, out var c)) Containers[name] = c with { State = ContainerState.Exited };
    });

    public Task RestartContainerAsync(string name, TimeSpan? timeout, CancellationToken ct) => Call($"restart container {name}", () =>
    {
        if (Containers.TryGetValue(name, out var c)) Containers[name] = c with { State = ContainerState.Running };
    });

    public Task BuildImageAsync(string image, BuildSpec build, CancellationToken ct) => Call($"build image {image}", () => Images[image] = $"sha256:built-{image}");

    /// <summary>Lets a test decide when a wait completes (it runs outside the call counter, as a real wait holds no call).</summary>
    public Func<string, string, Task>? WaitHook { get; set; }

    /// <summary>Awaited inside every engine call (after it counts as in flight), with the call's description.</summary>
    public Func<string, Task>? CallHook { get; set; }

    /// <summary>Addresses the fake hands out on start: 10.0.0.N, a new one on every start (as an engine may).</summary>
    private int _addresses;
    private readonly ConcurrentDictionary<string, string> _address = new();

    public Task<ContainerEndpoints?> InspectEndpointsAsync(string name, CancellationToken ct)
    {
        Calls.Enqueue($"inspect endpoints {name}");
        if (!Containers.TryGetValue(name, out var c)) return Task.FromResult<ContainerEndpoints?>(null);
        var running = c.State == ContainerState.Running;
        var addresses = running && c.Spec.PrimaryNetwork is { } n && _address.TryGetValue(name, out var a)
            ? ImmutableSortedDictionary<string, string>.Empty.Add(n.NetworkName, a)
            : ImmutableSortedDictionary<string, string>.Empty;
        return Task.FromResult<ContainerEndpoints?>(new ContainerEndpoints(name, c.Spec.Service, running, addresses, c.Spec.ExposedPorts)
        {
            Environment = LinkVariables.OwnEnvironment(c.Spec.Environment, c.Spec.Labels.GetValueOrDefault(LinkVariables.WrittenLabel)),
        });
    }

    /// <summary>Health of containers with a healthcheck (healthy unless a test says otherwise).</summary>
    public ConcurrentDictionary<string, string> Health { get; } = new();
    public ConcurrentDictionary<string, int> ExitCodes { get; } = new();

    /// <summary>
    /// Without a <see cref="WaitHook"/>, judges the condition by Compose's policy on the fake's state, as the Docker
    /// adapter does on the engine's; a condition not met yet counts as met (the fake has no time to wait in).
    /// </summary>
    public async Task WaitForConditionAsync(string name, string condition, CancellationToken ct)
    {
        Calls.Enqueue($"wait for container {name} ({condition})");
        if (WaitHook is not null)
        {
            await WaitHook(name, condition);
            return;
        }
        if (!Containers.TryGetValue(name, out var c)) return;
        var health = c.Spec.Healthcheck is { Disable: false } ? Health.GetValueOrDefault(name, "healthy") : null;
        ConditionPolicy.IsMet(condition, new ContainerConditionState(name, c.Spec.Service, c.State, c.State == ContainerState.Running, ExitCodes.GetValueOrDefault(name), health));
    }

    // What the commands show and attach to.

    /// <summary>Container name → its output; a followed log then waits until cancelled.</summary>
    public ConcurrentDictionary<string, string[]> LogLines { get; } = new();
    public Channel<EngineEvent> Events { get; } = Channel.CreateUnbounded<EngineEvent>();
    public long ExecExitCode { get; set; }
    public long RunExitCode { get; set; }

    public Task PingAsync(CancellationToken ct) => Task.CompletedTask;
    public Task CheckRequirementsAsync(Project project, IReadOnlyCollection<string> services, CancellationToken ct) => Task.CompletedTask;

    public async IAsyncEnumerable<LogLine> LogsAsync(string container, bool follow, string? tail, bool timestamps, [EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var line in LogLines.GetValueOrDefault(container) ?? []) yield return new LogLine(container, LogStream.Stdout, line);
        await Task.Yield();
        if (follow) await Task.Delay(Timeout.Infinite, ct);
    }

    public Task<ProcessTable> TopAsync(string container, CancellationToken ct) =>
        Task.FromResult(new ProcessTable(["PID", "CMD"], [["1", container]]));

    public Task<ImageSummary?> ImageAsync(string reference, CancellationToken ct) =>
        Task.FromResult(Images.FirstOrDefault(i => i.Key == reference || i.Value == reference) is { Key: not null } i
            ? new ImageSummary(i.Value, [i.Key], 1000, DateTimeOffset.UnixEpoch) : null);

    public async Task<IReadOnlyList<ObservedContainer>> AllProjectContainersAsync(CancellationToken ct)
    {
        var projects = Containers.Values.Select(c => c.Spec.Labels.GetValueOrDefault(ComposeLabels.Project)).OfType<string>().Distinct();
        var all = new List<ObservedContainer>();
        foreach (var project in projects) all.AddRange((await ObserveAsync(new ObserveRequest(project), ct)).Containers);
        return all;
    }

    public Task<IReadOnlyDictionary<string, IReadOnlyList<(string HostIp, string HostPort)>>> PortBindingsAsync(string container, CancellationToken ct) =>
        Task.FromResult<IReadOnlyDictionary<string, IReadOnlyList<(string HostIp, string HostPort)>>>(Containers[container].Spec.Ports
            .Where(p => p.Published is not null)
            .GroupBy(p => $"{p.Target}/{p.Protocol}")
            .ToDictionary(g => g.Key, g => (IReadOnlyList<(string, string)>)[.. g.Select(p => (p.HostIp ?? "", p.Published!))]));

    public Task<long> ExecAsync(string container, ExecRequest request, ProcessStreams io, CancellationToken ct)
    {
        Calls.Enqueue($"exec {container} {string.Join(" ", request.Command)}");
        return Task.FromResult(ExecExitCode);
    }

    public async Task<long> RunAttachedAsync(string container, bool tty, ProcessStreams io, CancellationToken ct)
    {
        await StartContainerAsync(container, ct);
        Calls.Enqueue($"attach {container}");
        Containers[container] = Containers[container] with { State = ContainerState.Exited };
        return RunExitCode;
    }

    public async IAsyncEnumerable<EngineEvent> StreamAsync(string project, DateTimeOffset since, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in Events.Reader.ReadAllAsync(ct)) yield return e;
    }
}
