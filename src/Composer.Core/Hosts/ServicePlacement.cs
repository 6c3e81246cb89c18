using System.Collections.Immutable;
using Composer.Core.Model;

namespace Composer.Core.Hosts;

/// <summary>Where a service runs, read from its <c>x-composer</c> block (<c>host: a</c>, <c>failover: [b, c]</c>).</summary>
public static class ServicePlacement
{
    public const string HostKey = "host";
    public const string FailoverKey = "failover";

    /// <summary>The host the service runs on: its <c>x-composer.host</c>, or <see cref="HostSpec.Local"/>.</summary>
    public static string HostOf(this Service service) =>
        service.Extensions.GetValueOrDefault(HostKey) is { Length: > 0 } host ? host : HostSpec.Local;

    /// <summary>Standby hosts, in order, from <c>x-composer.failover</c> (used by watch's failover).</summary>
    public static ImmutableArray<string> FailoverOf(this Service service) =>
        service.Extensions.GetValueOrDefault(FailoverKey) is { Length: > 0 } list
            ? [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]
            : [];

    /// <summary>True when the file defines <c>x-composer.hosts</c>: the project spans engines.</summary>
    public static bool IsMultiHost(this Project project) => !project.Hosts.IsEmpty;

    /// <summary>The host definition a name stands for; <see cref="HostSpec.Local"/> is implicit.</summary>
    public static HostSpec? Host(this Project project, string name) =>
        project.Hosts.TryGetValue(name, out var host) ? host : name == HostSpec.Local ? HostSpec.DefaultLocal : null;
}
