using System.Globalization;

namespace Composer.Ambassador;

/// <summary>
/// What the ambassador does, from its environment (so a compose file configures it with <c>environment:</c>):
/// <c>AMBASSADOR_TARGET=host:port</c> (required), <c>AMBASSADOR_LISTEN=[address]:port</c> (default: the target's
/// port on all addresses), <c>AMBASSADOR_RETRY_FOR</c> (how long a connection may wait for the target, seconds or
/// 500ms/30s/2m; default 30s), <c>AMBASSADOR_TARGET_FILE</c> (a file that, when present, overrides the target while
/// running: see <see cref="TargetSource"/>; default <see cref="DefaultTargetFile"/>, empty to turn it off).
/// </summary>
public sealed record AmbassadorOptions(string TargetHost, int TargetPort, string ListenAddress, int ListenPort, TimeSpan RetryFor)
{
    /// <summary>Where Composer writes a new target into a running ambassador (the archive API creates the folder).</summary>
    public const string DefaultTargetFile = "/run/composer-ambassador/target";

    public string? TargetFile { get; init; } = DefaultTargetFile;

    public static AmbassadorOptions FromEnvironment(Func<string, string?> env)
    {
        var target = env("AMBASSADOR_TARGET") ?? throw new ArgumentException("AMBASSADOR_TARGET is not set (host:port)");
        var (host, port) = HostPort(target, "AMBASSADOR_TARGET");
        if (host.Length == 0) throw new ArgumentException($"AMBASSADOR_TARGET '{target}' has no host");
        var (listenAddress, listenPort) = env("AMBASSADOR_LISTEN") is { Length: > 0 } listen ? HostPort(listen, "AMBASSADOR_LISTEN") : ("", port);
        var retryFor = env("AMBASSADOR_RETRY_FOR") is { Length: > 0 } r ? Duration(r) : TimeSpan.FromSeconds(30);
        var targetFile = env("AMBASSADOR_TARGET_FILE") is { } f ? (f.Length == 0 ? null : f) : DefaultTargetFile;
        return new AmbassadorOptions(host, port, listenAddress.Length == 0 ? "0.0.0.0" : listenAddress, listenPort, retryFor) { TargetFile = targetFile };
    }

    private static (string Host, int Port) HostPort(string value, string name)
    {
        var colon = value.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new ArgumentException($"{name} '{value}' must be host:port");
        return (value[..colon].Trim('[', ']'), port);
    }

    private static TimeSpan Duration(string value)
    {
        var (number, unit) = value.EndsWith("ms", StringComparison.Ordinal) ? (value[..^2], 0.001)
            : value.EndsWith('s') ? (value[..^1], 1.0)
            : value.EndsWith('m') ? (value[..^1], 60.0)
            : (value, 1.0);
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n < 0)
            throw new ArgumentException($"AMBASSADOR_RETRY_FOR '{value}' is not a duration");
        return TimeSpan.FromSeconds(n * unit);
    }
}
