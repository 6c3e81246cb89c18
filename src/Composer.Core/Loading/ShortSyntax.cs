using System.Globalization;
using Composer.Core.Model;

namespace Composer.Core.Loading;

/// <summary>The short port syntax: <c>[HOST_IP:][PUBLISHED:]TARGET[/PROTO]</c>, with ranges and bracketed IPv6.</summary>
public static class PortSyntax
{
    public static bool TryParse(string text, out List<PortBinding> bindings, out string error)
    {
        bindings = [];
        error = "";
        var spec = text.Trim();
        var protocol = "tcp";
        var slash = spec.LastIndexOf('/');
        if (slash >= 0)
        {
            protocol = spec[(slash + 1)..];
            spec = spec[..slash];
            if (protocol is not ("tcp" or "udp" or "sctp")) { error = $"invalid protocol '{protocol}' in '{text}'"; return false; }
        }
        string? hostIp = null;
        if (spec.StartsWith('['))
        {
            var close = spec.IndexOf(']');
            if (close < 0 || close + 1 >= spec.Length || spec[close + 1] != ':') { error = $"invalid host address in '{text}'"; return false; }
            hostIp = spec[1..close];
            spec = spec[(close + 2)..];
        }
        var parts = spec.Split(':');
        string? published;
        string target;
        switch (parts.Length)
        {
            case 1: published = null; target = parts[0]; break;
            case 2: published = parts[0]; target = parts[1]; break;
            case 3 when hostIp is null: hostIp = parts[0]; published = parts[1]; target = parts[2]; break;
            default: error = $"invalid port '{text}'; expected [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]"; return false;
        }
        if (published is "") published = null;
        // An empty host IP (":8080:80") means any address, as Compose reads it.
        if (hostIp is "") hostIp = null;
        if (hostIp is not null && !System.Net.IPAddress.TryParse(hostIp, out _)) { error = $"invalid host IP '{hostIp}' in '{text}'"; return false; }
        if (!TryParseRange(target, out var tLo, out var tHi)) { error = $"invalid container port '{target}' in '{text}'"; return false; }
        int pLo = 0, pHi = 0;
        if (published is not null && !TryParseRange(published, out pLo, out pHi)) { error = $"invalid host port '{published}' in '{text}'"; return false; }
        var targets = tHi - tLo + 1;
        if (published is not null && targets > 1 && pHi - pLo + 1 != targets)
        {
            error = $"port ranges don't match in '{text}' ({pHi - pLo + 1} host ports for {targets} container ports)";
            return false;
        }
        for (var i = 0; i < targets; i++)
        {
            // A one-port host range ("80-80:8080") is that port.
            var pub = published is null ? null : targets > 1 || pLo == pHi ? (pLo + i).ToString(CultureInfo.InvariantCulture) : published;
            bindings.Add(new PortBinding(tLo + i, pub, hostIp, protocol));
        }
        return true;
    }

    public static bool TryParseRange(string text, out int lo, out int hi)
    {
        lo = hi = 0;
        var dash = text.IndexOf('-');
        var ok = dash < 0
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out lo) && (hi = lo) == lo
            : int.TryParse(text[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out lo) &&
              int.TryParse(text[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out hi);
        return ok && lo is >= 1 and <= 65535 && hi is >= 1 and <= 65535 && lo <= hi;
    }
}

/// <summary>
/// The short volume syntax, as compose-go reads it: <c>[SOURCE:]TARGET[:OPTIONS]</c>; a source starting with . / or ~
/// is a bind mount. Options (comma-separated): <c>ro</c>/<c>rw</c>, <c>nocopy</c>, the bind propagations
/// (<c>shared</c>, <c>slave</c>, <c>private</c> and their <c>r</c> forms) and SELinux labels <c>z</c>/<c>Z</c>; any
/// other option (<c>cached</c>, <c>delegated</c>, <c>consistent</c>, …) is ignored, as Compose ignores it.
/// </summary>
public static class VolumeSyntax
{
    private static readonly HashSet<string> Propagations = ["private", "rprivate", "shared", "rshared", "slave", "rslave"];

    public static bool TryParse(string text, out Mount mount, out string error)
    {
        mount = null!;
        error = "";
        var parts = text.Split(':');
        string? source = null;
        string target;
        var options = "";
        if (parts.Any(p => p.Length == 0) && parts.Length > 1) { error = $"invalid volume '{text}': empty section between colons"; return false; }
        switch (parts.Length)
        {
            case 1: target = parts[0]; break;
            // "/data:ro" names the container path and its options (compose-go would read "ro" as the target).
            case 2 when IsOptionList(parts[1]) && !parts[1].StartsWith('/'): target = parts[0]; options = parts[1]; break;
            case 2: source = parts[0]; target = parts[1]; break;
            case 3: source = parts[0]; target = parts[1]; options = parts[2]; break;
            default: error = $"invalid volume '{text}': too many colons"; return false;
        }
        if (target.Length == 0 || !target.StartsWith('/')) { error = $"invalid volume '{text}': the container path must be absolute"; return false; }
        bool readOnly = false, noCopy = false;
        string? propagation = null, selinux = null;
        foreach (var option in options.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            switch (option)
            {
                case "ro": readOnly = true; break;
                case "rw": readOnly = false; break;
                case "nocopy": noCopy = true; break;
                case "z" or "Z": selinux = option; break;
                case var p when Propagations.Contains(p): propagation = p; break;
            }
        }
        var type = source is { Length: > 0 } && source[0] is '.' or '/' or '~' ? MountType.Bind : MountType.Volume;
        mount = new Mount(type, source is { Length: > 0 } ? source : null, target, readOnly)
        {
            // Bind options only mean something on a bind; nocopy only on a volume.
            Propagation = type == MountType.Bind ? propagation : null,
            Selinux = type == MountType.Bind ? selinux : null,
            NoCopy = type == MountType.Volume && noCopy,
        };
        return true;
    }

    private static bool IsOptionList(string s) => s.Split(',').All(o => o is "ro" or "rw" or "z" or "Z" or "nocopy" or "cached" or "delegated" or "consistent" || Propagations.Contains(o));
}
