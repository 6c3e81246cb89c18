using System.Globalization;
using Composer.Core.Engine;
using Composer.Core.Model;

namespace Composer.Core.Hosts;

/// <summary>
/// Where a running ambassador sends new connections, changed without restarting it (<c>composer move</c>, watch's
/// failover): one line written through the engine's archive API into its target file, which the ambassador reads at
/// every connect. <c>hold</c> makes new connections wait (within the ambassador's retry window) until a target is
/// written; a recreated ambassador has no file and goes by its <c>AMBASSADOR_TARGET</c> again.
/// </summary>
public static class AmbassadorRoutes
{
    /// <summary>The ambassador's default <c>AMBASSADOR_TARGET_FILE</c> (src/Composer.Ambassador).</summary>
    public const string TargetFile = "/run/composer-ambassador/target";
    public const string Hold = "hold";

    /// <summary>New connections through <paramref name="container"/> go to <paramref name="target"/> (<c>host:port</c>, or <see cref="Hold"/>).</summary>
    public static Task PointAsync(IEngineTransfer engine, string container, string target, CancellationToken cancellationToken) =>
        engine.WriteFilesAsync(container, [new InjectedFile(TargetFile, target + "\n", Mode: 0x1A4 /* 0644 */)], cancellationToken);

    /// <summary>New connections through <paramref name="container"/> wait until it is pointed again.</summary>
    public static Task HoldAsync(IEngineTransfer engine, string container, CancellationToken cancellationToken) =>
        PointAsync(engine, container, Hold, cancellationToken);

    /// <summary>
    /// Where importers reach <paramref name="provider"/> when it runs on <paramref name="host"/>: that host's address
    /// and the provider's port (what its export ambassador publishes there).
    /// </summary>
    public static string ExportAddress(Project project, Service provider, string host)
    {
        var address = project.Host(host)?.Address ?? throw new InvalidOperationException($"host \"{host}\" has no address (x-composer.hosts.{host}.address)");
        return $"{address}:{CrossHostReferences.PortsOf(provider).First().ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>
    /// An import ambassador without its route (<c>AMBASSADOR_TARGET</c> and the why label, which name the provider's
    /// host): what its config hash is taken over, so a route changed live (move, failover) is no reason to recreate it.
    /// </summary>
    public static Service WithoutRoute(Service service) =>
        service.Labels.GetValueOrDefault(HostLabels.Ambassador) == "import"
            ? service with { Environment = service.Environment.Remove("AMBASSADOR_TARGET"), Labels = service.Labels.Remove(HostLabels.AmbassadorWhy) }
            : service;

    /// <summary>
    /// After <c>up</c>: every running import ambassador is pointed at its route in <paramref name="expanded"/> (an import
    /// kept across a move or an address change still has its old target in its environment).
    /// </summary>
    public static async Task SyncAsync(Project expanded, HostEngines hosts, CancellationToken cancellationToken)
    {
        var observed = await hosts.ObserveAsync(new ObserveRequest(expanded.Name) { IncludeOneOff = false }, cancellationToken).ConfigureAwait(false);
        foreach (var container in observed.Containers.Where(c => c.IsRunning && c.Labels.GetValueOrDefault(HostLabels.Ambassador) == "import"))
        {
            if (!expanded.Services.TryGetValue(container.Service, out var import) || import.Environment.GetValueOrDefault("AMBASSADOR_TARGET") is not { } route) continue;
            if (hosts.Engines.GetValueOrDefault(container.Labels.GetValueOrDefault(HostLabels.Host) ?? "") is IEngineTransfer engine)
                await PointAsync(engine, container.Name, route, cancellationToken).ConfigureAwait(false);
        }
    }
}
