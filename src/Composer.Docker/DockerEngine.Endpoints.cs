using System.Collections.Immutable;
using System.Net;
using Composer.Core.Engine;
using Composer.Core.Planning;
using Composer.Core.Model;
using Docker.DotNet;

namespace Composer.Docker;

/// <summary>Where containers can be reached now: for link and discovery variables and <c>composer endpoints</c>.</summary>
public sealed partial class DockerEngine
{
    public async Task<ContainerEndpoints?> InspectEndpointsAsync(string name, CancellationToken cancellationToken)
    {
        global::Docker.DotNet.Models.ContainerInspectResponse c;
        try
        {
            c = await Answered(_client.Containers.InspectContainerAsync(name, cancellationToken)).ConfigureAwait(false);
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (DockerApiException e)
        {
            throw new EngineException($"inspect container {name}: {ApiMessage(e)}", e);
        }
        var running = c.State?.Running == true;
        var addresses = running
            ? (c.NetworkSettings?.Networks ?? new Dictionary<string, global::Docker.DotNet.Models.EndpointSettings>())
                .Where(kv => !string.IsNullOrEmpty(kv.Value?.IPAddress))
                .ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value.IPAddress, StringComparer.Ordinal)
            : ImmutableSortedDictionary<string, string>.Empty;
        var ports = (c.Config?.ExposedPorts?.Keys ?? []).Concat(c.HostConfig?.PortBindings?.Keys ?? [])
            .Select(p => p.Contains('/') ? p : p + "/tcp").Distinct().Order(StringComparer.Ordinal);
        var labels = c.Config?.Labels ?? new Dictionary<string, string>();
        return new ContainerEndpoints(c.Name.TrimStart('/'), labels.TryGetValue(ComposeLabels.Service, out var service) ? service : "", running, addresses, [.. ports])
        {
            Environment = LinkVariables.OwnEnvironment(c.Config?.Env ?? [], labels.TryGetValue(LinkVariables.WrittenLabel, out var written) ? written : null),
        };
    }
}
