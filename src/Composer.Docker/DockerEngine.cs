using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Threading.Channels;
using Composer.Core.Engine;
using Composer.Core.Model;
using Composer.Core.Planning;
using Docker.DotNet.Models;
using Docker.DotNet;
using ContainerSpec = Composer.Core.Engine.ContainerSpec;
using NetworkSpec = Composer.Core.Engine.NetworkSpec;
using NetworkAttachment = Composer.Core.Engine.NetworkAttachment;

namespace Composer.Docker;

/// <summary>
/// <see cref="IEngine"/> over the Docker Engine API (Docker.DotNet.Enhanced). This is the only type that knows
/// Docker.DotNet: it maps the planner's specs to create parameters and the engine's answers back to Core records.
/// </summary>
public sealed partial class DockerEngine : IContainerEngine, IDisposable
{
    private readonly DockerClient _client;

    public DockerEngine(DockerClient client, Uri? endpoint = null)
    {
        _client = client;
        Endpoint = endpoint;
    }

    internal DockerClient Client => _client;

    public void Dispose() => _client.Dispose();

    /// <summary>The project's resources; with <paramref name="service"/>, that service's only (the engine ANDs label filters).</summary>
    private static Dictionary<string, IDictionary<string, bool>> LabelFilter(string project, string? service = null)
    {
        var labels = new Dictionary<string, bool> { [$"{ComposeLabels.Project}={project}"] = true };
        if (service is not null) labels[$"{ComposeLabels.Service}={service}"] = true;
        return new() { ["label"] = labels };
    }

    private sealed record ProjectLists(string Project, Task<IList<ContainerListResponse>> Containers, Task<IList<NetworkResponse>> Networks, Task<VolumesListResponse> Volumes);
    private ProjectLists? _begun;

    private ProjectLists ListProject(string project, CancellationToken cancellationToken, IReadOnlyCollection<string>? services = null) => new(project,
        // Listing is the first thing every command does: bounded, so an engine that never answers is reported.
        services is null
            ? WithAnswerTimeout(ct => _client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = LabelFilter(project) }, ct), cancellationToken)
            : ListServicesAsync(project, services, cancellationToken),
        WithAnswerTimeout(ct => _client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = LabelFilter(project) }, ct), cancellationToken),
        WithAnswerTimeout(ct => _client.Volumes.ListAsync(new VolumesListParameters { Filters = LabelFilter(project) }, ct), cancellationToken));

    /// <summary>
    /// Starts listing the project's containers, networks and volumes now, for the next <see cref="ObserveAsync"/> of
    /// that project to use: the caller holds the project's lock already and keeps it until then, so the answers are
    /// still true when used (the command overlaps them with loading the file).
    /// </summary>
    public void BeginObserve(string project, CancellationToken cancellationToken) => _begun = ListProject(project, cancellationToken);

    /// <summary>The containers of a few services: one list each, in parallel.</summary>
    private async Task<IList<ContainerListResponse>> ListServicesAsync(string project, IReadOnlyCollection<string> services, CancellationToken cancellationToken)
    {
        var lists = await Task.WhenAll(services.Distinct().Select(service => WithAnswerTimeout(ct =>
            _client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = LabelFilter(project, service) }, ct), cancellationToken))).ConfigureAwait(false);
        return [.. lists.SelectMany(l => l)];
    }

    public async Task<ObservedState> ObserveAsync(ObserveRequest request, CancellationToken cancellationToken)
    {
        // A listing begun early is the whole project's: a request for a few services lists its own and leaves it for the next.
        var lists = request.Services is null && Interlocked.Exchange(ref _begun, null) is { } begun && begun.Project == request.Project
            ? begun : ListProject(request.Project, cancellationToken, request.Services);
        var (containersTask, networksTask, volumesTask) = (lists.Containers, lists.Networks, lists.Volumes);
        var imageTasks = request.Images.Distinct().ToDictionary(i => i, i => ImageInfoAsync(i, cancellationToken));
        var externalNetworkTasks = request.ExternalNetworks.Distinct().ToDictionary(n => n, n => ExistsAsync(() => _client.Networks.InspectNetworkAsync(n, cancellationToken)));
        var externalVolumeTasks = request.ExternalVolumes.Distinct().ToDictionary(v => v, v => ExistsAsync(() => _client.Volumes.InspectAsync(v, cancellationToken)));
        await Task.WhenAll([containersTask, networksTask, volumesTask, .. imageTasks.Values, .. externalNetworkTasks.Values, .. externalVolumeTasks.Values]).ConfigureAwait(false);

        var containers = containersTask.Result
            .Select(ToObserved)
            .Where(c => request.IncludeOneOff || !c.OneOff)
            .ToImmutableArray();
        return new ObservedState
        {
            Containers = containers,
            Networks = [.. networksTask.Result.Select(n => new ObservedNetwork(n.ID, n.Name, (n.Labels is { } nl && nl.TryGetValue(ComposeLabels.Network, out var nk) ? nk : null)))],
            Volumes = [.. (volumesTask.Result.Volumes ?? []).Select(v => new ObservedVolume(v.Name, (v.Labels is { } vl && vl.TryGetValue(ComposeLabels.Volume, out var vk) ? vk : null)))],
            Images = imageTasks.ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value.Result?.ID, StringComparer.Ordinal),
            ImageTagTimes = imageTasks.Select(kv => (kv.Key, Tagged: kv.Value.Result?.Metadata?.LastTagTime)).Where(t => t.Tagged is { Year: > 1 })
                .ToImmutableSortedDictionary(t => t.Key, t => new DateTimeOffset(DateTime.SpecifyKind(t.Tagged!.Value, DateTimeKind.Utc)), StringComparer.Ordinal),
            ExternalNetworks = externalNetworkTasks.ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value.Result, StringComparer.Ordinal),
            ExternalVolumes = externalVolumeTasks.ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value.Result, StringComparer.Ordinal),
        };
    }

    private static ObservedContainer ToObserved(ContainerListResponse c)
    {
        var labels = (c.Labels ?? new Dictionary<string, string>()).ToImmutableSortedDictionary(StringComparer.Ordinal);
        return new ObservedContainer
        {
            Id = c.ID,
            // A legacy link's target also lists "/consumer/alias" among its names: its own name has no inner '/'.
            Name = (c.Names?.FirstOrDefault(n => !n.TrimStart('/').Contains('/')) ?? c.Names?.FirstOrDefault() ?? c.ID).TrimStart('/'),
            Service = labels.GetValueOrDefault(ComposeLabels.Service, ""),
            Number = int.TryParse(labels.GetValueOrDefault(ComposeLabels.ContainerNumber), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 1,
            State = c.State ?? "",
            Status = c.Status ?? "",
            ConfigHash = labels.GetValueOrDefault(ComposeLabels.ConfigHash),
            ImageId = c.ImageID,
            Image = c.Image ?? "",
            Command = c.Command ?? "",
            Created = new DateTimeOffset(DateTime.SpecifyKind(c.Created, DateTimeKind.Utc)),
            OneOff = string.Equals(labels.GetValueOrDefault(ComposeLabels.OneOff), "True", StringComparison.OrdinalIgnoreCase),
            Labels = labels,
            Networks = [.. (c.NetworkSettings?.Networks?.Keys ?? []).Order(StringComparer.Ordinal)],
            Addresses = (c.NetworkSettings?.Networks ?? new Dictionary<string, EndpointSettings>()).Where(kv => !string.IsNullOrEmpty(kv.Value?.IPAddress))
                .ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value.IPAddress, StringComparer.Ordinal),
            Ports = [.. (c.Ports ?? []).Select(p => new ObservedPort(p.PrivatePort, p.Type ?? "tcp", string.IsNullOrEmpty(p.IP) ? null : p.IP, p.PublicPort == 0 ? null : p.PublicPort))],
            NetworkIds = [.. (c.NetworkSettings?.Networks?.Values ?? []).Select(n => n?.NetworkID).OfType<string>().Where(id => id.Length > 0).Order(StringComparer.Ordinal)],
            Mounts = [.. (c.Mounts ?? []).Where(m => m.Type == "volume" && !string.IsNullOrEmpty(m.Name) && !string.IsNullOrEmpty(m.Destination))
                .Select(m => new ObservedMount(m.Name!, m.Destination!))],
        };
    }

    private async Task<string?> ImageIdAsync(string image, CancellationToken cancellationToken) =>
        (await ImageInfoAsync(image, cancellationToken).ConfigureAwait(false))?.ID;

    private async Task<ImageInspectResponse?> ImageInfoAsync(string image, CancellationToken cancellationToken)
    {
        try
        {
            return await Answered(_client.Images.InspectImageAsync(image, cancellationToken)).ConfigureAwait(false);
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task<bool> ExistsAsync<T>(Func<Task<T>> inspect)
    {
        try { await Answered(inspect()).ConfigureAwait(false); return true; }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound) { return false; }
    }

    public async Task PullImageAsync(string image, CancellationToken cancellationToken)
    {
        var (repo, tag) = SplitImage(image);
        string? lastError = null;
        try
        {
            await _client.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = repo, Tag = tag }, null,
                new Progress<JSONMessage>(m => lastError = m.Error?.Message ?? lastError), cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e)
        {
            throw new ImageNotFoundException(image, ApiMessage(e), e);
        }
        if (lastError is not null) throw new ImageNotFoundException(image, lastError);
        if (await ImageIdAsync(image, cancellationToken).ConfigureAwait(false) is null)
            throw new ImageNotFoundException(image, "the pull finished but the image is not there");
    }

    internal static (string Repo, string Tag) SplitImage(string image) => ImageReference.Split(image);

    public Task RemoveNetworkAsync(string name, CancellationToken cancellationToken) =>
        RetryActiveEndpoints(name, () => IgnoreNotFound(() => _client.Networks.DeleteNetworkAsync(name, cancellationToken), $"remove network {name}"), cancellationToken);

    public Task CreateVolumeAsync(VolumeSpec spec, CancellationToken cancellationToken) => Call(() => _client.Volumes.CreateAsync(new VolumesCreateParameters
    {
        Name = spec.Name,
        Driver = spec.Driver ?? "local",
        DriverOpts = spec.DriverOpts.ToDictionary(kv => kv.Key, kv => kv.Value),
        Labels = spec.Labels.ToDictionary(kv => kv.Key, kv => kv.Value),
    }, cancellationToken), $"create volume {spec.Name}");

    public Task RemoveVolumeAsync(string name, CancellationToken cancellationToken) =>
        IgnoreNotFound(() => _client.Volumes.RemoveAsync(name, false, cancellationToken), $"remove volume {name}");

    public async Task<string> CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken)
    {
        var parameters = ContainerParameters.From(spec);
        var response = await CreateAsync(spec, parameters, cancellationToken).ConfigureAwait(false);
        _hooks[spec.Name] = spec.Labels.GetValueOrDefault(ServiceHooks.LabelName);
        // API 1.41 attaches one network at create; the others are connected before the container starts.
        foreach (var extra in spec.ExtraNetworks)
            await Call(() => _client.Networks.ConnectNetworkAsync(extra.NetworkName, new NetworkConnectParameters
            {
                Container = response.ID,
                EndpointConfig = ContainerParameters.Endpoint(extra, spec.Links),
            }, cancellationToken), $"connect container {spec.Name} to network {extra.NetworkName}").ConfigureAwait(false);
        if (!spec.Files.IsEmpty)
        {
            // Secrets and configs without a host file are copied in before start, as Compose does.
            using var archive = ContainerParameters.Archive(spec.Files);
            await Call(() => _client.Containers.ExtractArchiveToContainerAsync(response.ID, new CopyToContainerParameters { Path = "/" }, archive, cancellationToken),
                $"copy secrets and configs into container {spec.Name}").ConfigureAwait(false);
        }
        return response.ID;
    }

    public async Task StartContainerAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await Call(() => _client.Containers.StartContainerAsync(name, new ContainerStartParameters(), cancellationToken), $"start container {name}").ConfigureAwait(false);
        }
        catch (EngineException e) when (e.Message.Contains("could not select device driver", StringComparison.Ordinal))
        {
            // The engine checks device requests only at start: say which keys asked for them.
            throw new EngineException($"{e.Message} ('gpus / deploy.resources.reservations.devices': this engine has no driver for the requested devices)", e.InnerException);
        }
        await RunHooksAsync(name, "post_start", cancellationToken).ConfigureAwait(false);
    }

    public async Task StopContainerAsync(string name, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        await RunHooksAsync(name, "pre_stop", cancellationToken).ConfigureAwait(false);
        await IgnoreNotFound(() => _client.Containers.StopContainerAsync(name, new ContainerStopParameters
        {
            WaitBeforeKillSeconds = timeout is { } t ? (uint)Math.Ceiling(t.TotalSeconds) : null,
        }, cancellationToken), $"stop container {name}", GracePeriod(timeout)).ConfigureAwait(false);
    }

    public Task RemoveContainerAsync(string name, bool removeAnonymousVolumes, CancellationToken cancellationToken) =>
        IgnoreNotFound(() => _client.Containers.RemoveContainerAsync(name, new ContainerRemoveParameters
        {
            Force = true, RemoveVolumes = removeAnonymousVolumes,
        }, cancellationToken), $"remove container {name}");

    public Task RenameContainerAsync(string name, string newName, CancellationToken cancellationToken) =>
        Call(() => _client.Containers.RenameContainerAsync(name, new ContainerRenameParameters { NewName = newName }, cancellationToken), $"rename container {name}");

    public async Task<ContainerInspectResponse> InspectAsync(string name, CancellationToken cancellationToken) =>
        await Call(() => _client.Containers.InspectContainerAsync(name, cancellationToken), $"inspect container {name}").ConfigureAwait(false);

    public async Task WaitForConditionAsync(string name, string condition, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Subscribe before the first look, so no change between the look and the subscription is missed.
        var events = Events(new Dictionary<string, IDictionary<string, bool>>
        {
            ["container"] = new Dictionary<string, bool> { [name] = true },
            ["type"] = new Dictionary<string, bool> { ["container"] = true },
        }, cts.Token);
        try
        {
            while (true)
            {
                var c = await InspectAsync(name, cancellationToken).ConfigureAwait(false);
                if (ConditionMet(name, condition, c)) return;
                if (!await events.WaitToReadAsync(cts.Token).ConfigureAwait(false))
                    throw new EngineException($"the engine's event stream ended while waiting for {name}");
                while (events.TryRead(out _)) { }
            }
        }
        finally
        {
            await cts.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Compose's condition policy over what the engine reports of the container.</summary>
    private static bool ConditionMet(string name, string condition, ContainerInspectResponse c)
    {
        var state = c.State ?? throw new EngineException($"container {name} has no state");
        var service = c.Config?.Labels is { } labels && labels.TryGetValue(ComposeLabels.Service, out var s) ? s : name;
        var hasHealthcheck = state.Health is not null && c.Config?.Healthcheck?.Test is not ["NONE"];
        return ConditionPolicy.IsMet(condition, new ContainerConditionState(name, service, state.Status ?? "", state.Running, state.ExitCode, hasHealthcheck ? state.Health!.Status ?? "starting" : null));
    }

    /// <summary>The engine's "seconds.nanoseconds" form of a point in time.</summary>
    internal static string EngineTimestamp(DateTimeOffset time)
    {
        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return string.Create(CultureInfo.InvariantCulture, $"{ticks / TimeSpan.TicksPerSecond}.{ticks % TimeSpan.TicksPerSecond * 100:D9}");
    }

    /// <summary>The engine's event stream as a channel; the subscription ends with the token.</summary>
    public ChannelReader<Message> Events(IDictionary<string, IDictionary<string, bool>> filters, CancellationToken cancellationToken, DateTimeOffset? since = null)
    {
        var channel = Channel.CreateUnbounded<Message>(new UnboundedChannelOptions { SingleReader = true });
        // Docker.DotNet's cancellation of a streaming response can block until the next event arrives. Cancelling the
        // caller's token runs its callbacks synchronously, so that callback must never be in the caller's chain (a
        // blocked Ctrl-C stalled every later callback): the subscription has its own source, cancelled off-thread,
        // and the reader is released at once.
        var subscription = new CancellationTokenSource();
        var release = cancellationToken.Register(() =>
        {
            channel.Writer.TryComplete();
            _ = Task.Run(() =>
            {
                try { subscription.Cancel(); }
                catch (ObjectDisposedException) { } // the subscription already ended by itself
            });
        });
        _ = Task.Run(async () =>
        {
            try
            {
                await _client.System.MonitorEventsAsync(new ContainerEventsParameters
                    {
                        Filters = filters,
                        // From the time the caller gives (a watch: a little before its resync's list, so nothing the
                        // list missed is lost), to the nanosecond: whole seconds moved it by up to a second.
                        Since = since is { } s ? EngineTimestamp(s) : null,
                    },
                    new SyncProgress<Message>(m => channel.Writer.TryWrite(m)), subscription.Token).ConfigureAwait(false);
                channel.Writer.TryComplete();
            }
            catch (OperationCanceledException) { channel.Writer.TryComplete(); }
            catch (Exception e) { channel.Writer.TryComplete(e); }
            finally
            {
                await release.DisposeAsync().ConfigureAwait(false);
                subscription.Dispose();
            }
        }, CancellationToken.None);
        return channel.Reader;
    }

    /// <summary>Progress that runs the callback inline, so events keep their order.</summary>
    private sealed class SyncProgress<T>(Action<T> action) : IProgress<T>
    {
        public void Report(T value) => action(value);
    }

    private static string ApiMessage(DockerApiException e)
    {
        var body = e.ResponseBody ?? "";
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(body);
            if (doc.RootElement.TryGetProperty("message", out var m)) return m.GetString() ?? body;
        }
        catch (System.Text.Json.JsonException) { }
        return body.Length > 0 ? body.Trim() : e.StatusCode.ToString();
    }

    /// <summary>
    /// One engine call, its errors as messages, bounded by <see cref="AnswerTimeout"/> (plus <paramref name="beyondAnswer"/>
    /// for calls that legitimately take longer, such as a stop's grace period; <see cref="Timeout.InfiniteTimeSpan"/> for
    /// calls that last as long as the work, such as a build).
    /// </summary>
    private async Task<T> Call<T>(Func<Task<T>> call, string? what = null, TimeSpan? beyondAnswer = null)
    {
        try { return await Answered(call(), beyondAnswer).ConfigureAwait(false); }
        catch (DockerApiException e) { throw new EngineException(what is null ? ApiMessage(e) : $"{what}: {ApiMessage(e)}", e); }
        catch (Exception e) when (e is HttpRequestException or IOException or System.Net.Sockets.SocketException)
        {
            throw Unreachable(e);
        }
    }

    private Task Call(Func<Task> call, string what, TimeSpan? beyondAnswer = null) => Call(async () => { await call().ConfigureAwait(false); return true; }, what, beyondAnswer);

    private async Task IgnoreNotFound(Func<Task> call, string what, TimeSpan? beyondAnswer = null)
    {
        try { await Call(call, what, beyondAnswer).ConfigureAwait(false); }
        catch (EngineException e) when (e.InnerException is DockerApiException { StatusCode: HttpStatusCode.NotFound }) { }
    }
}
