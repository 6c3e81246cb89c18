using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Composer.Core.Engine;
using Composer.Core.Model;

namespace Composer.Core.Hosts;

/// <summary>
/// The engine port over one engine per host: every operation goes to the engines that own its resource (by
/// <see cref="Placement"/>: a container to its service's host, a network or volume to the hosts that use it, an image
/// to the hosts that run it), and reads merge what every engine has. Resources it creates carry
/// <see cref="HostLabels.Host"/>. Use cases, planner and executor see one engine; no engine sees another's part.
/// </summary>
public sealed class HostEngines : IContainerEngine, IDisposable
{
    private readonly ImmutableSortedDictionary<string, IContainerEngine> _engines;
    private readonly Placement _placement;
    private readonly IEngineTransfer? _imageSource;
    /// <summary>Container name or id → host, learned from every listing and create.</summary>
    private readonly ConcurrentDictionary<string, string> _containers = new(StringComparer.Ordinal);
    /// <summary>Network and volume names → the hosts that had them at the last listing.</summary>
    private readonly ConcurrentDictionary<string, ImmutableSortedSet<string>> _networks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ImmutableSortedSet<string>> _volumes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ImmutableSortedSet<string>> _images = new(StringComparer.Ordinal);

    /// <param name="engines">Host name → its engine (every host of <paramref name="placement"/>).</param>
    /// <param name="imageSource">Where an image none of the hosts has is copied from (the engine composer uses without hosts).</param>
    public HostEngines(IReadOnlyDictionary<string, IContainerEngine> engines, Placement placement, IEngineTransfer? imageSource = null)
    {
        _engines = engines.ToImmutableSortedDictionary(StringComparer.Ordinal);
        _placement = placement;
        _imageSource = imageSource;
    }

    public IReadOnlyDictionary<string, IContainerEngine> Engines => _engines;
    public Placement Placement => _placement;
    /// <summary>Where images no host has are copied from.</summary>
    public IEngineTransfer? ImageSource => _imageSource;

    public void Dispose()
    {
        foreach (var engine in _engines.Values.Distinct()) (engine as IDisposable)?.Dispose();
        if (_imageSource is IDisposable source && !_engines.Values.Any(e => ReferenceEquals(e, source))) source.Dispose();
    }

    private IContainerEngine Engine(string host) =>
        _engines.TryGetValue(host, out var engine) ? engine : throw new EngineException($"host \"{host}\" has no engine (x-composer.hosts)");

    /// <summary>The host of a container: known from a listing or create, else the first engine that has it.</summary>
    private async Task<IContainerEngine> ContainerEngineAsync(string container, CancellationToken cancellationToken)
    {
        if (_containers.TryGetValue(container, out var host)) return Engine(host);
        foreach (var (name, engine) in _engines)
        {
            if (await engine.InspectEndpointsAsync(container, cancellationToken).ConfigureAwait(false) is not null)
            {
                _containers[container] = name;
                return engine;
            }
        }
        return _engines.Values.First();
    }

    public async Task<ObservedState> ObserveAsync(ObserveRequest request, CancellationToken cancellationToken)
    {
        var tasks = _engines.ToDictionary(kv => kv.Key, kv => kv.Value.ObserveAsync(request, cancellationToken));
        await Task.WhenAll(tasks.Values).ConfigureAwait(false);
        var states = tasks.ToDictionary(kv => kv.Key, kv => kv.Value.Result);

        var containers = ImmutableArray.CreateBuilder<ObservedContainer>();
        foreach (var (host, state) in states)
            foreach (var c in state.Containers)
            {
                _containers[c.Name] = host;
                _containers[c.Id] = host;
                containers.Add(c.Labels.ContainsKey(HostLabels.Host) ? c : c with { Labels = c.Labels.SetItem(HostLabels.Host, host) });
            }

        // A network or volume exists for the planner only when every host that needs it has it: otherwise it is
        // created, on the hosts that miss it.
        ImmutableArray<T> Merge<T>(Func<ObservedState, ImmutableArray<T>> of, Func<T, string> name, ConcurrentDictionary<string, ImmutableSortedSet<string>> seen,
            ImmutableSortedDictionary<string, ImmutableSortedSet<string>> needed)
        {
            seen.Clear();
            var result = ImmutableArray.CreateBuilder<T>();
            foreach (var group in states.SelectMany(s => of(s.Value).Select(item => (Host: s.Key, Item: item))).GroupBy(x => name(x.Item)))
            {
                var present = group.Select(x => x.Host).ToImmutableSortedSet(StringComparer.Ordinal);
                seen[group.Key] = present;
                if (!needed.TryGetValue(group.Key, out var need) || need.IsSubsetOf(present)) result.Add(group.First().Item);
            }
            return result.ToImmutable();
        }

        var images = ImmutableSortedDictionary.CreateBuilder<string, string?>(StringComparer.Ordinal);
        _images.Clear();
        foreach (var image in request.Images.Distinct())
        {
            var present = states.Where(s => s.Value.Images.GetValueOrDefault(image) is not null).Select(s => s.Key).ToImmutableSortedSet(StringComparer.Ordinal);
            _images[image] = present;
            var need = _placement.ImageHosts.GetValueOrDefault(image) ?? [];
            images[image] = need.IsSubsetOf(present) ? states.Select(s => s.Value.Images.GetValueOrDefault(image)).FirstOrDefault(id => id is not null) : null;
        }
        return new ObservedState
        {
            Containers = containers.ToImmutable(),
            Networks = Merge(s => s.Networks, n => n.Name, _networks, _placement.NetworkHosts),
            Volumes = Merge(s => s.Volumes, v => v.Name, _volumes, _placement.VolumeHosts),
            Images = images.ToImmutable(),
            // The oldest copy decides whether pull_policy: every_… refreshes.
            ImageTagTimes = states.Values.SelectMany(s => s.ImageTagTimes).GroupBy(kv => kv.Key)
                .ToImmutableSortedDictionary(g => g.Key, g => g.Min(kv => kv.Value), StringComparer.Ordinal),
            ExternalNetworks = request.ExternalNetworks.Distinct().ToImmutableSortedDictionary(n => n, n => states.Values.All(s => s.ExternalNetworks.GetValueOrDefault(n)), StringComparer.Ordinal),
            ExternalVolumes = request.ExternalVolumes.Distinct().ToImmutableSortedDictionary(v => v, v => states.Values.All(s => s.ExternalVolumes.GetValueOrDefault(v)), StringComparer.Ordinal),
        };
    }

    /// <summary>Copies the image to every host that runs it and lacks it, from a host or the image source that has it; pulls where none has it.</summary>
    public async Task PullImageAsync(string image, CancellationToken cancellationToken)
    {
        var need = _placement.ImageHosts.GetValueOrDefault(image) ?? [.. _engines.Keys];
        var present = _images.GetValueOrDefault(image) ?? [];
        foreach (var host in need.Where(h => !present.Contains(h)))
        {
            var target = Engine(host);
            var source = await SourceOfAsync(image, host, cancellationToken).ConfigureAwait(false);
            if (source is null || target is not IEngineTransfer load)
            {
                await target.PullImageAsync(image, cancellationToken).ConfigureAwait(false);
                continue;
            }
            await EngineTransfers.CopyImageAsync(source, load, image, cancellationToken).ConfigureAwait(false);
        }
        _images[image] = [.. need];
    }

    private async Task<IEngineTransfer?> SourceOfAsync(string image, string except, CancellationToken cancellationToken)
    {
        foreach (var (host, engine) in _engines.Where(e => e.Key != except))
            if (engine is IEngineTransfer transfer && await engine.ImageAsync(image, cancellationToken).ConfigureAwait(false) is not null) return transfer;
        if (_imageSource is IContainerEngine source && await source.ImageAsync(image, cancellationToken).ConfigureAwait(false) is not null) return _imageSource;
        return null;
    }

    public Task CreateNetworkAsync(NetworkSpec spec, CancellationToken cancellationToken) =>
        CreateWhereMissingAsync(spec.Name, _networks, _placement.NetworkHosts,
            (engine, host) => engine.CreateNetworkAsync(spec with { Labels = spec.Labels.SetItem(HostLabels.Host, host) }, cancellationToken));

    public Task RemoveNetworkAsync(string name, CancellationToken cancellationToken) =>
        RemoveWherePresentAsync(name, _networks, _placement.NetworkHosts, engine => engine.RemoveNetworkAsync(name, cancellationToken));

    public Task CreateVolumeAsync(VolumeSpec spec, CancellationToken cancellationToken) =>
        CreateWhereMissingAsync(spec.Name, _volumes, _placement.VolumeHosts,
            (engine, host) => engine.CreateVolumeAsync(spec with { Labels = spec.Labels.SetItem(HostLabels.Host, host) }, cancellationToken));

    public Task RemoveVolumeAsync(string name, CancellationToken cancellationToken) =>
        RemoveWherePresentAsync(name, _volumes, _placement.VolumeHosts, engine => engine.RemoveVolumeAsync(name, cancellationToken));

    /// <summary>A network or volume is made on each host that needs it and did not have it at the last listing.</summary>
    private async Task CreateWhereMissingAsync(string name, ConcurrentDictionary<string, ImmutableSortedSet<string>> present,
        ImmutableSortedDictionary<string, ImmutableSortedSet<string>> needed, Func<IContainerEngine, string, Task> create)
    {
        var hosts = needed.GetValueOrDefault(name) ?? [.. _engines.Keys];
        var have = present.GetValueOrDefault(name) ?? [];
        foreach (var host in hosts.Where(h => !have.Contains(h))) await create(Engine(host), host).ConfigureAwait(false);
        present[name] = hosts;
    }

    /// <summary>A network or volume is removed from every host that had it (or, not listed, that needs it).</summary>
    private async Task RemoveWherePresentAsync(string name, ConcurrentDictionary<string, ImmutableSortedSet<string>> present,
        ImmutableSortedDictionary<string, ImmutableSortedSet<string>> needed, Func<IContainerEngine, Task> remove)
    {
        foreach (var host in present.GetValueOrDefault(name) ?? needed.GetValueOrDefault(name) ?? []) await remove(Engine(host)).ConfigureAwait(false);
        present.TryRemove(name, out _);
    }

    public async Task<string> CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken)
    {
        var host = _placement.HostOf(spec.Service);
        var id = await Engine(host).CreateContainerAsync(spec with { Labels = spec.Labels.SetItem(HostLabels.Host, host) }, cancellationToken).ConfigureAwait(false);
        _containers[spec.Name] = host;
        _containers[id] = host;
        return id;
    }

    public async Task StartContainerAsync(string name, CancellationToken cancellationToken) =>
        await (await ContainerEngineAsync(name, cancellationToken).ConfigureAwait(false)).StartContainerAsync(name, cancellationToken).ConfigureAwait(false);

    public async Task StopContainerAsync(string name, TimeSpan? timeout, CancellationToken cancellationToken) =>
        await (await ContainerEngineAsync(name, cancellationToken).ConfigureAwait(false)).StopContainerAsync(name, timeout, cancellationToken).ConfigureAwait(false);

    public async Task RemoveContainerAsync(string name, bool removeAnonymousVolumes, CancellationToken cancellationToken) =>
        await (await ContainerEngineAsync(name, cancellationToken).ConfigureAwait(false)).RemoveContainerAsync(name, removeAnonymousVolumes, cancellationToken).ConfigureAwait(false);

    public async Task RenameContainerAsync(string name, string newName, CancellationToken cancellationToken)
    {
        var engine = await ContainerEngineAsync(name, cancellationToken).ConfigureAwait(false);
        await engine.RenameContainerAsync(name, newName, cancellationToken).ConfigureAwait(false);
        if (_containers.TryGetValue(name, out var host)) _containers[newName] = host;
    }

    public async Task KillContainerAsync(string name, string signal, CancellationToken cancellationToken) =>
        await (await ContainerEngineAsync(name, cancellationToken).ConfigureAwait(false)).KillContainerAsync(name, signal, cancellationToken).ConfigureAwait(false);

    public async Task RestartContainerAsync(string name, TimeSpan? timeout, CancellationToken cancellationToken) =>
        await (await ContainerEngineAsync(name, cancellationToken).ConfigureAwait(false)).RestartContainerAsync(name, timeout, cancellationToken).ConfigureAwait(false);

    /// <summary>Builds on every host that runs the image.</summary>
    public async Task BuildImageAsync(string image, BuildSpec build, CancellationToken cancellationToken)
    {
        foreach (var host in _placement.ImageHosts.GetValueOrDefault(image) ?? [.. _engines.Keys])
            await Engine(host).BuildImageAsync(image, build, cancellationToken).ConfigureAwait(false);
    }

    public async Task WaitForConditionAsync(string name, string condition, CancellationToken cancellationToken) =>
        await (await ContainerEngineAsync(name, cancellationToken).ConfigureAwait(false)).WaitForConditionAsync(name, condition, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Where the container is. For an import ambassador, the environment is its provider's (on the provider's host),
    /// so a consumer's <c>ALIAS_ENV_*</c> link variables are what they would be with the provider beside it.
    /// </summary>
    public async Task<ContainerEndpoints?> InspectEndpointsAsync(string name, CancellationToken cancellationToken)
    {
        var endpoints = await (await ContainerEngineAsync(name, cancellationToken).ConfigureAwait(false)).InspectEndpointsAsync(name, cancellationToken).ConfigureAwait(false);
        if (endpoints is null || !_placement.ImportProviders.TryGetValue(endpoints.Service, out var provider)) return endpoints;
        var providerEndpoints = await (await ContainerEngineAsync(provider, cancellationToken).ConfigureAwait(false)).InspectEndpointsAsync(provider, cancellationToken).ConfigureAwait(false);
        return providerEndpoints is null ? endpoints with { Environment = [] } : endpoints with { Environment = providerEndpoints.Environment };
    }

    public Task PingAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_engines.Select(async kv =>
        {
            try { await kv.Value.PingAsync(cancellationToken).ConfigureAwait(false); }
            catch (EngineException e) { throw new EngineException($"host \"{kv.Key}\": {e.Message}", e); }
        }));

    public async Task CheckRequirementsAsync(Project project, IReadOnlyCollection<string> services, CancellationToken cancellationToken)
    {
        var selected = services.Count == 0 ? project.Services.Keys : services;
        foreach (var group in selected.GroupBy(_placement.HostOf))
            await Engine(group.Key).CheckRequirementsAsync(project, [.. group], cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<LogLine> LogsAsync(string container, bool follow, string? tail, bool timestamps, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var engine = await ContainerEngineAsync(container, cancellationToken).ConfigureAwait(false);
        await foreach (var line in engine.LogsAsync(container, follow, tail, timestamps, cancellationToken).ConfigureAwait(false)) yield return line;
    }

    public async Task<ProcessTable> TopAsync(string container, CancellationToken cancellationToken) =>
        await (await ContainerEngineAsync(container, cancellationToken).ConfigureAwait(false)).TopAsync(container, cancellationToken).ConfigureAwait(false);

    public async Task<ImageSummary?> ImageAsync(string reference, CancellationToken cancellationToken)
    {
        foreach (var engine in _engines.Values)
            if (await engine.ImageAsync(reference, cancellationToken).ConfigureAwait(false) is { } image) return image;
        return null;
    }

    public async Task<IReadOnlyList<ObservedContainer>> AllProjectContainersAsync(CancellationToken cancellationToken)
    {
        var result = new List<ObservedContainer>();
        foreach (var (host, engine) in _engines)
            result.AddRange((await engine.AllProjectContainersAsync(cancellationToken).ConfigureAwait(false))
                .Select(c => c.Labels.ContainsKey(HostLabels.Host) ? c : c with { Labels = c.Labels.SetItem(HostLabels.Host, host) }));
        return result;
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<(string HostIp, string HostPort)>>> PortBindingsAsync(string container, CancellationToken cancellationToken) =>
        await (await ContainerEngineAsync(container, cancellationToken).ConfigureAwait(false)).PortBindingsAsync(container, cancellationToken).ConfigureAwait(false);

    public async Task<long> ExecAsync(string container, ExecRequest request, ProcessStreams io, CancellationToken cancellationToken) =>
        await (await ContainerEngineAsync(container, cancellationToken).ConfigureAwait(false)).ExecAsync(container, request, io, cancellationToken).ConfigureAwait(false);

    public async Task<long> RunAttachedAsync(string container, bool tty, ProcessStreams io, CancellationToken cancellationToken) =>
        await (await ContainerEngineAsync(container, cancellationToken).ConfigureAwait(false)).RunAttachedAsync(container, tty, io, cancellationToken).ConfigureAwait(false);

    /// <summary>Every engine's events, merged; each event's attributes name its host. Ends when one stream ends or fails.</summary>
    public async IAsyncEnumerable<EngineEvent> StreamAsync(string project, DateTimeOffset since, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var channel = Channel.CreateUnbounded<EngineEvent>();
        var pumps = _engines.Select(async kv =>
        {
            try
            {
                await foreach (var e in kv.Value.StreamAsync(project, since, stop.Token).ConfigureAwait(false))
                {
                    _containers[e.ContainerName] = kv.Key;
                    _containers[e.ContainerId] = kv.Key;
                    await channel.Writer.WriteAsync(e with { Attributes = e.Attributes.SetItem(HostLabels.Host, kv.Key) }, stop.Token).ConfigureAwait(false);
                }
                channel.Writer.TryComplete();
            }
            catch (Exception e) { channel.Writer.TryComplete(e); }
        }).ToList();
        try
        {
            await foreach (var e in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false)) yield return e;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try { await Task.WhenAll(pumps).ConfigureAwait(false); } catch (OperationCanceledException) { }
        }
    }
}
