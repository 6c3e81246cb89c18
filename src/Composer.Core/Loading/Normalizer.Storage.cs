using System.Collections.Immutable;
using System.Globalization;
using Composer.Core.Diagnostics;
using Composer.Core.Loading.Yaml;
using Composer.Core.Model;

namespace Composer.Core.Loading;

/// <summary>What a service mounts: volumes, tmpfs, secrets and configs, and its ulimits.</summary>
public sealed partial class Normalizer
{
    private ImmutableArray<Mount> Mounts(YSequence? seq, string at)
    {
        var result = ImmutableArray.CreateBuilder<Mount>();
        foreach (var item in seq?.Items ?? [])
        {
            switch (item)
            {
                case YScalar s:
                {
                    if (!VolumeSyntax.TryParse(s.Value, out var mount, out var error))
                    {
                        diagnostics.Error("service.volumes", $"{at}.volumes: {error}", s.Start);
                        continue;
                    }
                    result.Add(mount.Type == MountType.Bind ? mount with { Source = HostPath(mount.Source!, s, $"{at}.volumes") ?? mount.Source } : mount);
                    break;
                }
                case YMapping m:
                {
                    var type = Str(m["type"]) ?? MountType.Volume;
                    var source = Str(m["source"]);
                    if (type == MountType.Bind && source is null)
                    {
                        diagnostics.Error("service.volumes", $"{at}.volumes: a bind mount needs a source", m.Start);
                        continue;
                    }
                    if (type == MountType.Tmpfs && source is not null)
                    {
                        diagnostics.Error("service.volumes", $"{at}.volumes: a tmpfs mount takes no source", m["source"]!.Start);
                        continue;
                    }
                    var target = Str(m["target"]) ?? "";
                    if (!target.StartsWith('/'))
                    {
                        diagnostics.Error("service.volumes", $"{at}.volumes: the container path '{target}' must be absolute", (m["target"] ?? m).Start);
                        continue;
                    }
                    var bind = m["bind"] as YMapping;
                    var volume = m["volume"] as YMapping;
                    var tmpfs = m["tmpfs"] as YMapping;
                    var create = bind?["create_host_path"] is YScalar c ? Bool(c) : true;
                    var size = Bytes(tmpfs?["size"], $"{at}.volumes.tmpfs.size");
                    int? tmpfsMode = null;
                    if (tmpfs?["mode"] is YScalar { IsNull: false } modeNode)
                    {
                        if (TryParseMode(modeNode.Value, out var mode)) tmpfsMode = mode;
                        else diagnostics.Error("service.volumes", $"{at}.volumes.tmpfs.mode: '{modeNode.Value}' is not a file mode (like 1777)", modeNode.Start);
                    }
                    result.Add(new Mount(type, type == MountType.Bind ? HostPath(source!, m["source"]!, $"{at}.volumes") ?? source : source,
                        target, Bool(m["read_only"]))
                    {
                        CreateHostPath = create, TmpfsSize = type == MountType.Tmpfs ? size : null, TmpfsMode = type == MountType.Tmpfs ? tmpfsMode : null,
                        Propagation = Str(bind?["propagation"]), Selinux = Str(bind?["selinux"]), Recursive = Str(bind?["recursive"]),
                        NoCopy = Bool(volume?["nocopy"]), VolumeLabels = Dict(volume?["labels"]),
                        Subpath = Str(volume?["subpath"]) ?? Str((m["image"] as YMapping)?["subpath"]),
                        Consistency = Str(m["consistency"]),
                        OptionsWritten = type switch { MountType.Bind => bind is not null, MountType.Volume => volume is not null, _ => false },
                    });
                    break;
                }
            }
        }
        return Unique(result, mount => mount.Target);
    }

    /// <summary>Keeps one item per key: a later item replaces an earlier one in its place (Compose's rule for lists keyed by target).</summary>
    private static ImmutableArray<T> Unique<T>(IEnumerable<T> items, Func<T, string> key)
    {
        var list = new List<T>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (index.TryGetValue(key(item), out var i)) list[i] = item;
            else { index[key(item)] = list.Count; list.Add(item); }
        }
        return [.. list];
    }

    private ImmutableSortedDictionary<string, Ulimit> Ulimits(YMapping? m, string at)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, Ulimit>(StringComparer.Ordinal);
        foreach (var (key, value) in m?.Entries ?? [])
        {
            long? Limit(YNode? node, string what)
            {
                if (node is YScalar s && long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= -1) return n;
                diagnostics.Error("service.ulimits", $"{at}.ulimits.{key.Value}{what}: expected a whole number (-1 for unlimited)", (node ?? value).Start);
                return null;
            }
            switch (value)
            {
                case YScalar:
                    if (Limit(value, "") is { } single) result[key.Value] = new Ulimit(single, single);
                    break;
                case YMapping limits:
                {
                    var soft = Limit(limits["soft"], ".soft");
                    var hard = Limit(limits["hard"], ".hard");
                    if (soft is null || hard is null) break;
                    if (hard != -1 && (soft == -1 || soft > hard))
                        diagnostics.Error("service.ulimits", $"{at}.ulimits.{key.Value}: soft limit {soft} is above hard limit {hard}", limits.Start);
                    else result[key.Value] = new Ulimit(soft.Value, hard.Value);
                    break;
                }
            }
        }
        return result.ToImmutable();
    }

    private ImmutableArray<string> Tmpfs(YNode? node, string at)
    {
        var result = new List<string>();
        var items = node switch { YSequence q => q.Items.OfType<YScalar>().ToList(), YScalar s when !s.IsNull => [s], _ => [] };
        foreach (var item in items)
        {
            if (!item.Value.StartsWith('/'))
                diagnostics.Error("service.tmpfs", $"{at}.tmpfs: '{item.Value}' must be an absolute container path, optionally followed by :options", item.Start);
            else if (!result.Contains(item.Value)) result.Add(item.Value);
        }
        return [.. result];
    }

    private ImmutableArray<FileReference> FileReferences(YSequence? seq, string at, string kind)
    {
        var result = new List<FileReference>();
        foreach (var item in seq?.Items ?? [])
        {
            switch (item)
            {
                case YScalar s: result.Add(new FileReference(s.Value)); break;
                case YMapping m:
                {
                    int? mode = null;
                    if (m["mode"] is YScalar ms && !ms.IsNull)
                    {
                        if (TryParseMode(ms.Value, out var parsed)) mode = parsed;
                        else diagnostics.Error($"service.{kind}", $"{at}.{kind}: mode '{ms.Value}' is not a file mode (like 0440)", ms.Start);
                    }
                    var source = Str(m["source"]) ?? "";
                    var target = Str(m["target"]);
                    if (target is not null && target.Length == 0)
                        diagnostics.Error($"service.{kind}", $"{at}.{kind}: target must not be empty", m["target"]!.Start);
                    result.Add(new FileReference(source, target, Str(m["uid"]), Str(m["gid"]), mode));
                    break;
                }
            }
        }
        return Unique(result, r => r.MountPath(kind == "secrets"));
    }

    /// <summary>File modes are octal when written with a leading 0 or 0o (0440), as Compose reads them.</summary>
    private static bool TryParseMode(string text, out int mode)
    {
        mode = 0;
        var octal = text.StartsWith("0o", StringComparison.OrdinalIgnoreCase) ? text[2..] : text.Length > 1 && text[0] == '0' ? text[1..] : null;
        if (octal is not null)
        {
            if (octal.Length == 0 || octal.Length > 6 || octal.Any(c => c is < '0' or > '7')) return false;
            mode = Convert.ToInt32(octal, 8);
            return true;
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out mode) && mode <= 0xFFFF;
    }
}
