using System.Collections.Immutable;
using System.Net;
using Composer.Core.Engine;
using Composer.Core.Stack;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Composer.Docker;

/// <summary><see cref="ISwarmEngine"/>: the Engine API's Swarm endpoints (services, tasks, nodes, configs, secrets, overlay networks).</summary>
public sealed partial class DockerEngine : ISwarmEngine
{
    private static Dictionary<string, IDictionary<string, bool>> StackFilter(string stack) =>
        new() { ["label"] = new Dictionary<string, bool> { [$"{StackLabels.Namespace}={stack}"] = true } };

    public async Task EnsureManagerAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _client.Swarm.InspectSwarmAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e) when (e.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.NotAcceptable)
        {
            throw new EngineException("this engine is not a Swarm manager: run composer stack against a manager (DOCKER_HOST), or make one with `docker swarm init` (scripts/hosts.sh up with SWARM=1 makes a 3-node test swarm)", e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or System.Net.Sockets.SocketException)
        {
            throw new EngineException($"Cannot connect to the Docker daemon ({e.Message}). Is the docker daemon running?", e);
        }
    }

    public async Task<ObservedStack> ObserveAsync(string stack, CancellationToken cancellationToken)
    {
        var filter = StackFilter(stack);
        var services = Call(() => _client.Swarm.ListServicesAsync(new ServiceListParameters { Filters = filter }, cancellationToken), "list services");
        var tasks = Call(() => _client.Tasks.ListAsync(new TasksListParameters { Filters = filter }, cancellationToken), "list tasks");
        var nodes = Call(() => _client.Swarm.ListNodesAsync(cancellationToken), "list nodes");
        var networks = Call(() => _client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter }, cancellationToken), "list networks");
        var secrets = Call(() => _client.Secrets.ListAsync(cancellationToken), "list secrets");
        var configs = Call(() => _client.Configs.ListConfigsAsync(cancellationToken), "list configs");
        await Task.WhenAll(services, tasks, nodes, networks, secrets, configs).ConfigureAwait(false);

        var serviceNames = services.Result.ToDictionary(s => s.ID ?? "", s => s.Spec?.Name ?? "");
        static ImmutableSortedDictionary<string, string> Labels(IDictionary<string, string>? labels) =>
            (labels ?? new Dictionary<string, string>()).ToImmutableSortedDictionary(StringComparer.Ordinal);
        bool Ours(IDictionary<string, string>? labels) => labels is not null && labels.TryGetValue(StackLabels.Namespace, out var ns) && ns == stack;
        return new ObservedStack
        {
            Services = [.. services.Result.Select(s => new ObservedSwarmService(s.ID ?? "", s.Spec?.Name ?? "", s.Version?.Index ?? 0, Labels(s.Spec?.Labels))
            {
                Mode = s.Spec?.Mode?.Global is not null ? "global" : s.Spec?.Mode?.ReplicatedJob is not null ? "replicated-job" : s.Spec?.Mode?.GlobalJob is not null ? "global-job" : "replicated",
                Replicas = (int)(s.Spec?.Mode?.Replicated?.Replicas ?? s.Spec?.Mode?.ReplicatedJob?.TotalCompletions ?? 0),
                Image = s.Spec?.TaskTemplate?.ContainerSpec?.Image ?? "",
                UpdateState = s.UpdateStatus?.State,
                UpdateMessage = s.UpdateStatus?.Message,
                Ports = [.. (s.Endpoint?.Ports ?? []).Select(p => $"*:{p.PublishedPort}->{p.TargetPort}/{p.Protocol}{(p.PublishMode == "host" ? " (host)" : "")}")],
            })],
            Tasks = [.. tasks.Result.Select(t => new ObservedTask(t.ID ?? "", t.ServiceID ?? "", serviceNames.GetValueOrDefault(t.ServiceID ?? "", ""), (int?)t.Slot, t.NodeID ?? "",
                StateName(t.Status?.State), StateName(t.DesiredState))
            {
                CreatedAt = t.CreatedAt is { } c ? new DateTimeOffset(DateTime.SpecifyKind(c, DateTimeKind.Utc)) : null,
                StateSince = t.Status?.Timestamp is { } ts ? new DateTimeOffset(DateTime.SpecifyKind(ts, DateTimeKind.Utc)) : null,
                Error = string.IsNullOrEmpty(t.Status?.Err) ? null : t.Status!.Err,
                Message = t.Status?.Message,
                ExitCode = t.Status?.ContainerStatus?.ExitCode,
                Image = t.Spec?.ContainerSpec?.Image ?? "",
                SpecHash = t.Spec?.ContainerSpec?.Labels?.TryGetValue(StackLabels.SpecHash, out var hash) == true ? hash : null,
            })],
            Nodes = [.. nodes.Result.Select(n => new ObservedNode(n.ID, n.Description?.Hostname ?? n.ID, n.Status?.State ?? "unknown", n.Spec?.Availability ?? "", n.Status?.Addr))],
            Networks = [.. networks.Result.Where(n => Ours(n.Labels)).Select(n => new ObservedSwarmObject(n.ID ?? "", n.Name ?? "", Labels(n.Labels)))],
            Secrets = [.. secrets.Result.Where(x => Ours(x.Spec?.Labels)).Select(x => new ObservedSwarmObject(x.ID ?? "", x.Spec?.Name ?? "", Labels(x.Spec?.Labels)))],
            Configs = [.. configs.Result.Where(x => Ours(x.Spec?.Labels)).Select(x => new ObservedSwarmObject(x.ID ?? "", x.Spec?.Name ?? "", Labels(x.Spec?.Labels)))],
        };
    }

    private static string StateName(TaskState? state) => state?.ToString().ToLowerInvariant() ?? "unknown";

    public Task CreateNetworkAsync(StackNetwork network, CancellationToken cancellationToken) =>
        Call(() => _client.Networks.CreateNetworkAsync(new NetworksCreateParameters
        {
            Name = network.Name,
            Driver = network.Driver,
            Scope = "swarm",
            Attachable = network.Attachable,
            Internal = network.Internal,
            Labels = new Dictionary<string, string>(network.Labels),
            Options = network.DriverOpts.Count == 0 ? null : new Dictionary<string, string>(network.DriverOpts),
            IPAM = network.Subnets.IsEmpty ? null : new IPAM { Config = [.. network.Subnets.Select(s => new IPAMConfig { Subnet = s })] },
        }, cancellationToken), $"create network {network.Name}");

    public Task CreateFileObjectAsync(StackFileObject file, CancellationToken cancellationToken) => file.Kind == StackFileKind.Secret
        ? Call(() => _client.Secrets.CreateAsync(new SwarmSecretSpec { Name = file.Name, Data = file.Data, Labels = new Dictionary<string, string>(file.Labels) }, cancellationToken), $"create secret {file.Name}")
        : Call(() => _client.Configs.CreateConfigAsync(new SwarmCreateConfigParameters { Config = new SwarmConfigSpec { Name = file.Name, Data = file.Data, Labels = new Dictionary<string, string>(file.Labels) } }, cancellationToken), $"create config {file.Name}");

    public async Task CreateServiceAsync(StackService service, CancellationToken cancellationToken)
    {
        var (secrets, configs) = await FileObjectIdsAsync(service, cancellationToken).ConfigureAwait(false);
        await Call(() => _client.Swarm.CreateServiceAsync(new ServiceCreateParameters { Service = SwarmServiceSpecs.ToServiceSpec(service, secrets, configs) }, cancellationToken),
            $"create service {service.Name}").ConfigureAwait(false);
    }

    public async Task UpdateServiceAsync(string id, ulong version, StackService service, CancellationToken cancellationToken)
    {
        var (secrets, configs) = await FileObjectIdsAsync(service, cancellationToken).ConfigureAwait(false);
        await Call(() => _client.Swarm.UpdateServiceAsync(id, new ServiceUpdateParameters { Service = SwarmServiceSpecs.ToServiceSpec(service, secrets, configs), Version = (long)version }, cancellationToken),
            $"update service {service.Name}").ConfigureAwait(false);
    }

    /// <summary>A service references configs and secrets by id as well as by name.</summary>
    private async Task<(Dictionary<string, string> Secrets, Dictionary<string, string> Configs)> FileObjectIdsAsync(StackService service, CancellationToken cancellationToken)
    {
        var secrets = service.Secrets.IsEmpty ? [] : await Call(() => _client.Secrets.ListAsync(cancellationToken), "list secrets").ConfigureAwait(false);
        var configs = service.Configs.IsEmpty ? [] : await Call(() => _client.Configs.ListConfigsAsync(cancellationToken), "list configs").ConfigureAwait(false);
        var secretIds = secrets.GroupBy(s => s.Spec?.Name ?? "").ToDictionary(g => g.Key, g => g.First().ID ?? "");
        var configIds = configs.GroupBy(c => c.Spec?.Name ?? "").ToDictionary(g => g.Key, g => g.First().ID ?? "");
        foreach (var missing in service.Secrets.Select(s => s.ObjectName).Where(n => !secretIds.ContainsKey(n)))
            throw new EngineException($"service {service.Name}: secret \"{missing}\" not found (an external secret must exist: docker secret create {missing} FILE)");
        foreach (var missing in service.Configs.Select(s => s.ObjectName).Where(n => !configIds.ContainsKey(n)))
            throw new EngineException($"service {service.Name}: config \"{missing}\" not found (an external config must exist: docker config create {missing} FILE)");
        return (secretIds, configIds);
    }

    public Task RemoveServiceAsync(string id, CancellationToken cancellationToken) =>
        IgnoreNotFound(() => _client.Swarm.RemoveServiceAsync(id, cancellationToken), $"remove service {id}");

    // RemoveNetworkAsync (by name or id) is IEngine's, shared.

    public Task RemoveFileObjectAsync(StackFileKind kind, string id, CancellationToken cancellationToken) => kind == StackFileKind.Secret
        ? IgnoreNotFound(() => _client.Secrets.DeleteAsync(id, cancellationToken), $"remove secret {id}")
        : IgnoreNotFound(() => _client.Configs.RemoveConfigAsync(id, cancellationToken), $"remove config {id}");
}
