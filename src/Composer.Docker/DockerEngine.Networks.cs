using System.Net;
using Composer.Core.Engine;
using Composer.Core.Model;
using Docker.DotNet;
using Docker.DotNet.Models;
using NetworkSpec = Composer.Core.Engine.NetworkSpec;

namespace Composer.Docker;

/// <summary>
/// Networks are created at most once per name. The engine accepts a second network with a name already taken, and
/// from then on every use of the name is "ambiguous"; this API version's create call has no duplicate check, so
/// Composer does it: a name taken by a network of this project is already done (a concurrent composer made it), a
/// name taken by anything else is an error that names it, and a duplicate that a race still let through is removed
/// again (the newest goes, by id; both carry this project's labels).
/// </summary>
public sealed partial class DockerEngine
{
    public async Task CreateNetworkAsync(NetworkSpec spec, CancellationToken cancellationToken)
    {
        var existing = await NetworksNamedAsync(spec.Name, cancellationToken).ConfigureAwait(false);
        if (existing.Count > 0)
        {
            EnsureOwned(spec, existing);
            return;
        }
        await CreateNetworkCoreAsync(spec, cancellationToken).ConfigureAwait(false);
        var after = await NetworksNamedAsync(spec.Name, cancellationToken).ConfigureAwait(false);
        if (after.Count <= 1) return;
        EnsureOwned(spec, after);
        foreach (var duplicate in after.OrderBy(n => n.Created).ThenBy(n => n.ID, StringComparer.Ordinal).Skip(1))
            await RemoveNetworkByIdAsync(duplicate.ID, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The networks whose name is exactly <paramref name="name"/> (the engine's name filter matches parts).</summary>
    private async Task<List<NetworkResponse>> NetworksNamedAsync(string name, CancellationToken cancellationToken)
    {
        var filter = new Dictionary<string, IDictionary<string, bool>> { ["name"] = new Dictionary<string, bool> { [name] = true } };
        var listed = await Call(() => _client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter }, cancellationToken), $"list networks named {name}").ConfigureAwait(false);
        return [.. listed.Where(n => n.Name == name)];
    }

    private static void EnsureOwned(NetworkSpec spec, IEnumerable<NetworkResponse> networks)
    {
        var project = spec.Labels.GetValueOrDefault(ComposeLabels.Project);
        foreach (var n in networks)
        {
            var labels = n.Labels ?? new Dictionary<string, string>();
            if (project is not null && labels.TryGetValue(ComposeLabels.Project, out var owner) && owner == project) continue;
            throw new EngineException(
                $"network {spec.Name} already exists (id {n.ID[..Math.Min(12, n.ID.Length)]}) and was not created by Composer for project \"{project}\" " +
                $"(it lacks the label {ComposeLabels.Project}={project}): remove or rename it, or declare the network external: true");
        }
    }

    private Task RemoveNetworkByIdAsync(string id, CancellationToken cancellationToken) =>
        RetryActiveEndpoints(id, () => IgnoreNotFound(() => _client.Networks.DeleteNetworkAsync(id, cancellationToken), $"remove duplicate network {id}"), cancellationToken);

    private Task CreateNetworkCoreAsync(NetworkSpec spec, CancellationToken cancellationToken) =>
        Call(() => _client.Networks.CreateNetworkAsync(NetworkCreateParameters(spec), cancellationToken), $"create network {spec.Name}");

    /// <summary>The engine's create request for a network spec (a converter, tested without an engine).</summary>
    internal static NetworksCreateParameters NetworkCreateParameters(NetworkSpec spec) => new()
    {
        Name = spec.Name,
        Driver = spec.Driver ?? "bridge",
        Internal = spec.Internal,
        Attachable = spec.Attachable,
        EnableIPv6 = spec.EnableIpv6 ? true : null,
        Options = spec.DriverOpts.ToDictionary(kv => kv.Key, kv => kv.Value),
        Labels = spec.Labels.ToDictionary(kv => kv.Key, kv => kv.Value),
        IPAM = spec.Ipam is null ? null : new IPAM
        {
            Driver = spec.Ipam.Driver ?? "default",
            Options = spec.Ipam.Options.IsEmpty ? null : spec.Ipam.Options.ToDictionary(kv => kv.Key, kv => kv.Value),
            Config = [.. spec.Ipam.Config.Select(p => new IPAMConfig
            {
                Subnet = p.Subnet,
                IPRange = p.IpRange,
                Gateway = p.Gateway,
                AuxAddress = p.AuxAddresses.IsEmpty ? null : p.AuxAddresses.ToDictionary(kv => kv.Key, kv => kv.Value),
            })],
        },
    };

}
