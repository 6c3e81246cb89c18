using System.Collections.Immutable;
using System.Text;
using Composer.Core.Engine;
using Composer.Core.Model;
using Docker.DotNet.Models;
using Docker.DotNet;

namespace Composer.Docker;

/// <summary>What the everyday commands need beyond the reconciler: kill, restart, exec, top, one-off runs, listings.</summary>
public sealed partial class DockerEngine
{
    /// <summary>
    /// The engine releases a removed container's network endpoint a moment after the remove call returns; with many
    /// containers removed at once, removing their network right after can fail with "has active endpoints". Retries
    /// that one error with backoff, for at most about 15 seconds. Engine 20.10 can also leave its endpoint count
    /// wrong for good (moby/moby#43286, seen here after 500 containers stopped at once under load): when no container
    /// is attached any more, the error says so and what clears it, rather than leaving the user to find out.
    /// </summary>
    private async Task RetryActiveEndpoints(string network, Func<Task> call, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(50);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            try
            {
                await call().ConfigureAwait(false);
                return;
            }
            catch (EngineException e) when (e.Message.Contains("active endpoints", StringComparison.Ordinal))
            {
                if (DateTime.UtcNow >= deadline)
                {
                    if (await AttachedContainersAsync(network, cancellationToken).ConfigureAwait(false) == 0)
                        throw new EngineException(e.Message + "; no container is attached to it any more: the engine's endpoint count is stale " +
                            "(a Docker Engine 20.10 fault, moby/moby#43286), and restarting the engine clears it", e);
                    throw;
                }
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1000));
            }
        }
    }

    private async Task<int?> AttachedContainersAsync(string network, CancellationToken cancellationToken)
    {
        try
        {
            var inspected = await WithAnswerTimeout(ct => _client.Networks.InspectNetworkAsync(network, ct), cancellationToken).ConfigureAwait(false);
            return inspected.Containers?.Count ?? 0;
        }
        catch (Exception e) when (e is DockerApiException or EngineException) { return null; }
    }

    public Task KillContainerAsync(string name, string signal, CancellationToken cancellationToken) =>
        IgnoreNotFound(() => _client.Containers.KillContainerAsync(name, new ContainerKillParameters { Signal = signal }, cancellationToken), $"kill container {name}");

    public Task RestartContainerAsync(string name, TimeSpan? timeout, CancellationToken cancellationToken) =>
        Call(() => _client.Containers.RestartContainerAsync(name, new ContainerRestartParameters
        {
            WaitBeforeKillSeconds = timeout is { } t ? (uint)Math.Ceiling(t.TotalSeconds) : null,
        }, cancellationToken), $"restart container {name}", GracePeriod(timeout));

    public async Task<ProcessTable> TopAsync(string container, CancellationToken cancellationToken)
    {
        var top = await Call(() => _client.Containers.ListProcessesAsync(container, new ContainerListProcessesParameters(), cancellationToken), $"top of container {container}").ConfigureAwait(false);
        return new ProcessTable([.. top.Titles ?? []], [.. (top.Processes ?? []).Select(p => (IReadOnlyList<string>)[.. p])]);
    }

    /// <summary>Every Compose-labelled container on the engine, one list call (for <c>ls</c>).</summary>
    public async Task<IReadOnlyList<ObservedContainer>> AllProjectContainersAsync(CancellationToken cancellationToken)
    {
        var list = await Call(() => _client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [ComposeLabels.Project] = true } },
        }, cancellationToken)).ConfigureAwait(false);
        return [.. list.Select(ToObserved)];
    }

    public async Task<ImageSummary?> ImageAsync(string reference, CancellationToken cancellationToken)
    {
        try
        {
            var i = await Answered(_client.Images.InspectImageAsync(reference, cancellationToken)).ConfigureAwait(false);
            return new ImageSummary(i.ID, [.. i.RepoTags ?? []], i.Size, i.Created is { } created ? new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)) : DateTimeOffset.UnixEpoch);
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound) { return null; }
    }

    /// <summary>Waits for the container to exit and returns its exit code.</summary>
    public async Task<long> WaitExitAsync(string container, CancellationToken cancellationToken) =>
        (await Call(() => _client.Containers.WaitContainerAsync(container, cancellationToken), $"wait for container {container}", Timeout.InfiniteTimeSpan).ConfigureAwait(false)).StatusCode;

    /// <summary>Ports as the engine reports them on inspect: "80/tcp" → host bindings.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<(string HostIp, string HostPort)>>> PortBindingsAsync(string container, CancellationToken cancellationToken)
    {
        var c = await InspectAsync(container, cancellationToken).ConfigureAwait(false);
        return (c.NetworkSettings?.Ports ?? new Dictionary<string, IList<global::Docker.DotNet.Models.PortBinding>>())
            .ToDictionary(kv => kv.Key, kv => (IReadOnlyList<(string, string)>)[.. (kv.Value ?? []).Select(b => (b.HostIP ?? "", b.HostPort ?? ""))]);
    }
}
