using System.Collections.Immutable;
using Composer.Core.Hosts;
using Composer.Core.Model;

namespace Composer.Core.Supervision;

/// <summary>
/// Watch across hosts, the decisions (pure, so they are tested without engines or clocks): what watch supervises
/// while some hosts are gone, which services fail over where and when, and where import ambassadors must point.
/// A service with <c>x-composer: { failover: [c] }</c> whose host has not answered for its grace period
/// (<c>failover_grace</c>, default <see cref="DefaultGrace"/>, counted from the host's last answer) runs on the
/// first standby that answers; its export ambassador goes with it (the expansion gives it the same list).
/// </summary>
public static class HostFailover
{
    public const string GraceKey = "failover_grace";

    /// <summary>Short enough that a consumer works again within 10 s of its provider's host going away.</summary>
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromSeconds(5);

    /// <summary>The host a service runs on now: where it failed over to, or its own.</summary>
    public static string EffectiveHost(Service service, IReadOnlyDictionary<string, string> failedOver) =>
        failedOver.TryGetValue(service.Name, out var host) ? host : service.HostOf();

    /// <summary>A service's grace period; an export ambassador goes by its provider's.</summary>
    public static TimeSpan GraceOf(Project project, Service service, TimeSpan fallback)
    {
        var owner = AmbassadorExpansion.ProviderOf(service) is { } provider && project.Services.TryGetValue(provider, out var p) ? p : service;
        return owner.Extensions.GetValueOrDefault(GraceKey) is { } text && Loading.ValueParsers.TryParseDuration(text, out var grace) ? grace : fallback;
    }

    /// <summary>
    /// The project as watch supervises it: services on hosts that do not answer are left out (nothing is repaired
    /// there, and what depends on them across hosts no longer waits for them), failed-over services run on their
    /// standby (an export ambassador published on the standby's address), and import ambassadors route to it. A
    /// route is not part of an import's config hash: a running import is re-pointed live
    /// (<see cref="AmbassadorRoutes.SyncAsync"/>), so neither it nor its consumers are recreated.
    /// </summary>
    public static Project View(Project project, IReadOnlySet<string> reachable, IReadOnlyDictionary<string, string> failedOver)
    {
        var kept = project.Services.Values.Where(s => reachable.Contains(EffectiveHost(s, failedOver))).ToDictionary(s => s.Name, StringComparer.Ordinal);
        var services = ImmutableSortedDictionary.CreateBuilder<string, Service>(StringComparer.Ordinal);
        foreach (var service in kept.Values)
        {
            var s = service with
            {
                DependsOn = service.DependsOn.Where(d => kept.ContainsKey(d.Key)).ToImmutableSortedDictionary(StringComparer.Ordinal),
                Links = [.. service.Links.Where(l => kept.ContainsKey(l.Service))],
            };
            if (Route(project, s, failedOver) is { } route) s = s with { Environment = s.Environment.SetItem("AMBASSADOR_TARGET", route.Target) };
            if (failedOver.TryGetValue(s.Name, out var standby))
            {
                s = s with { Extensions = s.Extensions.SetItem(ServicePlacement.HostKey, standby) };
                if (s.Labels.GetValueOrDefault(HostLabels.Ambassador) == "export" && project.Host(standby)?.Address is { } address)
                    s = s with { Ports = [.. s.Ports.Select(p => p with { HostIp = address })] };
            }
            services[s.Name] = s;
        }
        return project with { Services = services.ToImmutable() };
    }

    /// <summary>The services on <paramref name="host"/>, by their placement now (what is unknown while it is gone).</summary>
    public static ImmutableArray<string> ServicesOn(Project project, string host, IReadOnlyDictionary<string, string> failedOver) =>
        [.. project.Services.Values.Where(s => EffectiveHost(s, failedOver) == host).Select(s => s.Name).Order(StringComparer.Ordinal)];

    /// <summary>
    /// The services whose host has been gone longer than their grace, each with the standby it goes to: the first
    /// of its failover list (then its own host) that answers and is not where it is now. A standby that is gone
    /// too is skipped; with none answering the service waits.
    /// </summary>
    public static ImmutableSortedDictionary<string, string> Due(Project project, IReadOnlyDictionary<string, DateTimeOffset> downSince,
        IReadOnlySet<string> reachable, IReadOnlyDictionary<string, string> failedOver, DateTimeOffset now, TimeSpan defaultGrace)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var service in project.Services.Values)
        {
            var failover = service.FailoverOf();
            if (failover.IsEmpty) continue;
            var host = EffectiveHost(service, failedOver);
            if (reachable.Contains(host) || !downSince.TryGetValue(host, out var since) || now - since < GraceOf(project, service, defaultGrace)) continue;
            if (failover.Append(service.HostOf()).FirstOrDefault(h => h != host && reachable.Contains(h)) is { } standby) result[service.Name] = standby;
        }
        return result.ToImmutable();
    }

    /// <summary>When the next failover falls due, if one can: the earliest end of a grace period still running.</summary>
    public static DateTimeOffset? NextDue(Project project, IReadOnlyDictionary<string, DateTimeOffset> downSince, IReadOnlySet<string> reachable,
        IReadOnlyDictionary<string, string> failedOver, TimeSpan defaultGrace)
    {
        DateTimeOffset? next = null;
        foreach (var service in project.Services.Values.Where(s => !s.FailoverOf().IsEmpty))
        {
            var host = EffectiveHost(service, failedOver);
            if (reachable.Contains(host) || !downSince.TryGetValue(host, out var since)) continue;
            var due = since + GraceOf(project, service, defaultGrace);
            if (next is null || due < next) next = due;
        }
        return next;
    }

    /// <summary>
    /// Where each import ambassador of a failed-over provider must send new connections (<c>address:port</c> of the
    /// standby, where the provider's export is published): import service → (its host, target).
    /// </summary>
    public static ImmutableSortedDictionary<string, (string Host, string Target)> Routes(Project project, IReadOnlyDictionary<string, string> failedOver) =>
        project.Services.Values.Select(s => (s.Name, Route: Route(project, s, failedOver))).Where(r => r.Route is not null)
            .ToImmutableSortedDictionary(r => r.Name, r => r.Route!.Value, StringComparer.Ordinal);

    private static (string Host, string Target)? Route(Project project, Service import, IReadOnlyDictionary<string, string> failedOver)
    {
        if (import.Labels.GetValueOrDefault(HostLabels.Ambassador) != "import" || AmbassadorExpansion.ProviderOf(import) is not { } provider
            || !project.Services.TryGetValue(provider, out var p)) return null;
        var host = EffectiveHost(p, failedOver);
        return host == p.HostOf() ? null : (import.HostOf(), AmbassadorRoutes.ExportAddress(project, p, host));
    }

    /// <summary>
    /// The services whose containers on <paramref name="host"/> are stale copies when it returns: every failed-over
    /// service that runs elsewhere now (it may have run there: its own host, or an earlier standby).
    /// </summary>
    public static ImmutableArray<string> StaleOn(string host, IReadOnlyDictionary<string, string> failedOver) =>
        [.. failedOver.Where(kv => kv.Value != host).Select(kv => kv.Key).Order(StringComparer.Ordinal)];
}
