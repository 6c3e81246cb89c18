using System.Runtime.CompilerServices;
using Composer.Core.Engine;
using Composer.Core.Model;

namespace Composer.Core.UseCases;

public sealed record PsRequest(string Project, IReadOnlyCollection<string> Services)
{
    /// <summary>Stopped and one-off containers too.</summary>
    public bool All { get; init; }
    /// <summary>Only containers in these states (stopped ones included); empty means no filter.</summary>
    public IReadOnlyCollection<string> States { get; init; } = [];
}

public sealed record LogsRequest(string Project, IReadOnlyCollection<string> Services, bool Follow, string? Tail, bool Timestamps);

/// <summary>The containers whose lines follow (for their prefixes), and the lines as they come.</summary>
public sealed record LogsView(IReadOnlyList<ObservedContainer> Containers, IAsyncEnumerable<LogLine> Lines);

public sealed record ContainerProcesses(ObservedContainer Container, ProcessTable Table);

public sealed record ImageRow(string Container, string Repository, string Tag, string Id, long Size);

public sealed record PortRequest(string Project, string Service, int Index, int Port, string Protocol);

public sealed record ContainerEndpointsRow(ObservedContainer Container, ContainerEndpoints Endpoints);

public sealed record ProjectSummary(string Name, bool Running, string Status, string ConfigFiles);

/// <summary>What the read-only commands show: ps, logs, top, images, port, endpoints, events, ls.</summary>
public sealed partial class ComposeActions
{
    public async Task<IReadOnlyList<ObservedContainer>> PsAsync(PsRequest request, CancellationToken cancellationToken)
    {
        var observed = await engine.ObserveAsync(new ObserveRequest(request.Project) { IncludeOneOff = request.All }, cancellationToken).ConfigureAwait(false);
        return [.. observed.ContainersOf(request.Services)
            .Where(c => request.All || request.States.Count > 0 || c.IsRunning)
            .Where(c => request.States.Count == 0 || request.States.Contains(c.State))
            .OrderBy(c => c.Name, StringComparer.Ordinal)];
    }

    public async Task<LogsView> LogsAsync(LogsRequest request, CancellationToken cancellationToken)
    {
        var observed = await engine.ObserveAsync(new ObserveRequest(request.Project) { IncludeOneOff = false }, cancellationToken).ConfigureAwait(false);
        var containers = observed.ContainersOf(request.Services).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        return new LogsView(containers, MergeLogs(containers, request.Follow, request.Tail, request.Timestamps, cancellationToken));
    }

    public async Task<IReadOnlyList<ContainerProcesses>> TopAsync(ServicesRequest request, CancellationToken cancellationToken)
    {
        var observed = await engine.ObserveAsync(new ObserveRequest(request.Target.Name), cancellationToken).ConfigureAwait(false);
        var containers = observed.ContainersOf(request.Services).Where(c => c.IsRunning).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        var tables = await Task.WhenAll(containers.Select(c => engine.TopAsync(c.Name, cancellationToken))).ConfigureAwait(false);
        return [.. containers.Zip(tables, (c, t) => new ContainerProcesses(c, t))];
    }

    public async Task<IReadOnlyList<ImageRow>> ImagesAsync(ServicesRequest request, CancellationToken cancellationToken)
    {
        var observed = await engine.ObserveAsync(new ObserveRequest(request.Target.Name), cancellationToken).ConfigureAwait(false);
        var containers = observed.ContainersOf(request.Services).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        var ids = containers.Select(c => c.ImageId ?? c.Image).Distinct().ToList();
        var images = (await Task.WhenAll(ids.Select(id => engine.ImageAsync(id, cancellationToken))).ConfigureAwait(false))
            .Zip(ids).ToDictionary(x => x.Second, x => x.First);
        return [.. containers.Select(c =>
        {
            var image = images[c.ImageId ?? c.Image];
            var (repo, tag) = ImageReference.Split(c.Image);
            var id = (image?.Id ?? c.ImageId ?? "").Replace("sha256:", "", StringComparison.Ordinal);
            return new ImageRow(c.Name, repo, tag, id, image?.Size ?? 0);
        })];
    }

    /// <summary>The public address of a replica's private port, e.g. <c>0.0.0.0:49153</c>.</summary>
    public async Task<string> PortAsync(PortRequest request, CancellationToken cancellationToken)
    {
        var observed = await engine.ObserveAsync(new ObserveRequest(request.Project) { IncludeOneOff = false }, cancellationToken).ConfigureAwait(false);
        var container = observed.Containers.FirstOrDefault(c => c.Service == request.Service && c.Number == request.Index)
            ?? throw new EngineException($"service \"{request.Service}\" has no container {request.Index}");
        var key = $"{request.Port}/{request.Protocol}";
        var bindings = await engine.PortBindingsAsync(container.Name, cancellationToken).ConfigureAwait(false);
        if (!bindings.TryGetValue(key, out var list) || list.Count == 0)
            throw new EngineException($"no port {key} for container {container.Name}");
        var (ip, hostPort) = list[0];
        return $"{(ip.Length == 0 ? "0.0.0.0" : ip)}:{hostPort}";
    }

    public async Task<IReadOnlyList<ContainerEndpointsRow>> EndpointsAsync(ServicesRequest request, CancellationToken cancellationToken)
    {
        var observed = await engine.ObserveAsync(new ObserveRequest(request.Target.Name) { IncludeOneOff = false }, cancellationToken).ConfigureAwait(false);
        var rows = new List<ContainerEndpointsRow>();
        foreach (var c in observed.ContainersOf(request.Services).OrderBy(c => c.Service, StringComparer.Ordinal).ThenBy(c => c.Number))
            if (await engine.InspectEndpointsAsync(c.Name, cancellationToken).ConfigureAwait(false) is { } e) rows.Add(new ContainerEndpointsRow(c, e));
        return rows;
    }

    /// <summary>The project's container events from now on, of the named services (all when none is named).</summary>
    public async IAsyncEnumerable<EngineEvent> EventsAsync(ServicesRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var e in engine.StreamAsync(request.Target.Name, default, cancellationToken).ConfigureAwait(false))
            if (request.Services.Count == 0 || request.Services.Contains(e.Service)) yield return e;
    }

    /// <summary>The Compose projects on this engine, from their containers' labels; stopped ones with <paramref name="all"/>.</summary>
    public async Task<IReadOnlyList<ProjectSummary>> ListProjectsAsync(bool all, CancellationToken cancellationToken)
    {
        var containers = await engine.AllProjectContainersAsync(cancellationToken).ConfigureAwait(false);
        return [.. containers.GroupBy(c => c.Labels[ComposeLabels.Project], StringComparer.Ordinal)
            .Select(g => new ProjectSummary(
                g.Key,
                g.Any(c => c.State == ContainerState.Running),
                string.Join(", ", g.GroupBy(c => c.State).OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}({s.Count()})")),
                g.Select(c => c.Labels.GetValueOrDefault(ComposeLabels.ConfigFiles, "")).FirstOrDefault(f => f.Length > 0) ?? ""))
            .Where(p => all || p.Running)
            .OrderBy(p => p.Name, StringComparer.Ordinal)];
    }
}
