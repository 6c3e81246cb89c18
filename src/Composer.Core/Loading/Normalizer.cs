using System.Collections.Immutable;
using System.Globalization;
using Composer.Core.Diagnostics;
using Composer.Core.Loading.Yaml;
using Composer.Core.Model;

namespace Composer.Core.Loading;

/// <summary>
/// Turns a validated document into the model: short syntaxes to long ones, relative paths to absolute, resource names
/// to <c>project_name</c>, plus the semantic checks a schema cannot express. Every problem becomes a positioned
/// diagnostic; nothing here throws on user input.
/// </summary>
public sealed partial class Normalizer(NormalizerContext context, DiagnosticBag diagnostics)
{
    public Project Normalize(YMapping root, string projectName)
    {
        var networks = NormalizeNetworks(root["networks"] as YMapping, projectName);
        var volumes = NormalizeVolumes(root["volumes"] as YMapping, projectName);
        var secrets = NormalizeFileObjects(root["secrets"] as YMapping, projectName, "secrets");
        var configs = NormalizeFileObjects(root["configs"] as YMapping, projectName, "configs");
        var services = ImmutableSortedDictionary.CreateBuilder<string, Service>(StringComparer.Ordinal);
        var serviceNodes = root["services"] as YMapping;
        foreach (var entry in serviceNodes?.Entries ?? [])
            services[entry.Key.Value] = NormalizeService(entry.Key.Value, entry.Value as YMapping);

        // Every service without network_mode and without networks joins the default network; declare it if used.
        var needsDefault = services.Values.Any(s => s.NetworkMode is null && s.Networks.ContainsKey("default"));
        if (needsDefault && !networks.ContainsKey("default"))
            networks["default"] = new Network { Key = "default", Name = $"{projectName}_default" };

        var project = new Project
        {
            Name = projectName,
            WorkingDirectory = context.ProjectDirectory,
            ConfigFiles = [.. context.ConfigFiles],
            Services = services.ToImmutable(),
            Networks = networks.ToImmutable(),
            Volumes = volumes.ToImmutable(),
            Secrets = secrets,
            Configs = configs,
        };
        new SemanticChecks(project, serviceNodes, diagnostics).Run();
        return project with { Services = ImplicitDependencies(project.Services) };
    }

    /// <summary>
    /// links, network_mode: service:x and volumes_from make a service need another; Compose writes these into
    /// depends_on (restart on links and network_mode, as the dependent's namespace goes away with the dependency).
    /// </summary>
    private static ImmutableSortedDictionary<string, Service> ImplicitDependencies(ImmutableSortedDictionary<string, Service> services)
    {
        var result = services.ToBuilder();
        foreach (var service in services.Values)
        {
            var deps = service.DependsOn.ToBuilder();
            foreach (var link in service.Links) deps.TryAdd(link.Service, new Dependency(Restart: true));
            if (service.NetworkMode is { } mode && mode.StartsWith("service:", StringComparison.Ordinal))
                deps.TryAdd(mode[8..], new Dependency(Restart: true));
            foreach (var from in service.VolumesFrom)
                if (!from.StartsWith("container:", StringComparison.Ordinal)) deps.TryAdd(from.Split(':')[0], new Dependency());
            if (deps.Count != service.DependsOn.Count) result[service.Name] = service with { DependsOn = deps.ToImmutable() };
        }
        return result.ToImmutable();
    }

    private ImmutableSortedDictionary<string, FileObject> NormalizeFileObjects(YMapping? node, string project, string kind)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, FileObject>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in node?.Entries ?? [])
        {
            var key = keyNode.Value;
            var m = value as YMapping;
            var (external, externalName) = External(m);
            var sources = new[] { "file", "environment", "content" }.Where(k => m?[k] is { } v && !(v is YScalar { IsNull: true })).ToList();
            if (external) sources.Add("external");
            if (sources.Count != 1)
            {
                var expected = kind == "secrets" ? "'file', 'environment' or 'external'" : "'file', 'environment', 'content' or 'external'";
                diagnostics.Error($"{kind}.source", sources.Count == 0
                    ? $"{kind}.{key}: one of {expected} is required"
                    : $"{kind}.{key}: {string.Join(" and ", sources.Select(x => $"'{x}'"))} cannot be combined; use one source", (value ?? keyNode).Start);
            }
            var env = Str(m?["environment"]);
            if (env is not null && context.Lookup(env) is null)
                diagnostics.Warning($"{kind}.environment", $"{kind}.{key}: environment variable {env} is not set; the file will be empty", m!["environment"]!.Start);
            result[key] = new FileObject
            {
                Key = key, External = external,
                Name = Str(m?["name"]) ?? externalName ?? (external ? key : $"{project}_{key}"),
                File = Str(m?["file"]) is { } file ? HostPath(file, m!["file"]!, $"{kind}.{key}.file") : null,
                Environment = env,
                EnvironmentValue = env is null ? null : context.Lookup(env) ?? "",
                Content = Str(m?["content"]),
            };
        }
        return result.ToImmutable();
    }

    private ImmutableSortedDictionary<string, Network>.Builder NormalizeNetworks(YMapping? node, string project)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, Network>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in node?.Entries ?? [])
        {
            var key = keyNode.Value;
            var m = value as YMapping;
            var (external, externalName) = External(m);
            var name = Str(m?["name"]) ?? externalName ?? (external ? key : $"{project}_{key}");
            if (external && m?["driver"] is { } driver)
                diagnostics.Error("network.external-driver", $"networks.{key}: 'external' and 'driver' cannot be combined; an external network is not created by Composer", driver.Start);
            result[key] = new Network
            {
                Key = key, Name = name, External = external, Driver = Str(m?["driver"]),
                Internal = Bool(m?["internal"]), Attachable = Bool(m?["attachable"]), EnableIpv6 = Bool(m?["enable_ipv6"]),
                DriverOpts = Dict(m?["driver_opts"]), Labels = Dict(m?["labels"]), Ipam = Ipam(m?["ipam"] as YMapping),
            };
        }
        return result;
    }

    private static Ipam? Ipam(YMapping? m)
    {
        if (m is null) return null;
        var pools = (m["config"] as YSequence)?.Items.OfType<YMapping>()
            .Select(p => new IpamPool(Str(p["subnet"]), Str(p["ip_range"]), Str(p["gateway"]))).ToImmutableArray() ?? [];
        return new Ipam(Str(m["driver"]), pools);
    }

    private ImmutableSortedDictionary<string, Volume>.Builder NormalizeVolumes(YMapping? node, string project)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, Volume>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in node?.Entries ?? [])
        {
            var key = keyNode.Value;
            var m = value as YMapping;
            var (external, externalName) = External(m);
            if (external && m?["driver"] is { } driver)
                diagnostics.Error("volume.external-driver", $"volumes.{key}: 'external' and 'driver' cannot be combined; an external volume is not created by Composer", driver.Start);
            result[key] = new Volume
            {
                Key = key, External = external,
                Name = Str(m?["name"]) ?? externalName ?? (external ? key : $"{project}_{key}"),
                Driver = Str(m?["driver"]), DriverOpts = Dict(m?["driver_opts"]), Labels = Dict(m?["labels"]),
            };
        }
        return result;
    }

    private static (bool External, string? Name) External(YMapping? m) => m?["external"] switch
    {
        YScalar s => (s.AsBool() ?? string.Equals(s.Value, "true", StringComparison.OrdinalIgnoreCase), null),
        YMapping legacy => (true, Str(legacy["name"])),
        _ => (false, null),
    };

    private Service NormalizeService(string name, YMapping? m)
    {
        m ??= new YMapping(new SourcePosition(context.ConfigFiles.FirstOrDefault() ?? "", 1, 1), []);
        var at = $"services.{name}";
        var networkMode = Str(m["network_mode"]);
        var service = new Service
        {
            Name = name,
            Image = Str(m["image"]),
            Build = Build(m["build"], at),
            Command = CommandLine(m["command"], $"{at}.command"),
            Entrypoint = CommandLine(m["entrypoint"], $"{at}.entrypoint"),
            Environment = Environment(m, at),
            Ports = Ports(m["ports"] as YSequence, at),
            Expose = Expose(m["expose"] as YSequence),
            DependsOn = DependsOn(m["depends_on"]),
            Links = Links(m["links"] as YSequence, at),
            ExternalLinks = List(m["external_links"]),
            NetworkMode = networkMode,
            Networks = ServiceNetworks(m["networks"], networkMode),
            Volumes = Mounts(m["volumes"] as YSequence, at),
            VolumesFrom = List(m["volumes_from"]),
            Restart = Restart(m["restart"], at),
            Labels = Dict(m["labels"]),
            ContainerName = Str(m["container_name"]),
            Hostname = Str(m["hostname"]),
            WorkingDir = Str(m["working_dir"]),
            User = Str(m["user"]),
            Tty = Bool(m["tty"]),
            StdinOpen = Bool(m["stdin_open"]),
            Privileged = Bool(m["privileged"]),
            ReadOnly = Bool(m["read_only"]),
            Init = m["init"] is YScalar init ? Bool(init) : null,
            StopSignal = Str(m["stop_signal"]),
            StopGracePeriod = Duration(m["stop_grace_period"], $"{at}.stop_grace_period"),
            ExtraHosts = ExtraHosts(m["extra_hosts"], at),
            Dns = List(m["dns"]),
            CapAdd = List(m["cap_add"]),
            CapDrop = List(m["cap_drop"]),
            Healthcheck = Healthcheck(m["healthcheck"] as YMapping, at),
            Profiles = List(m["profiles"]),
            Scale = Scale(m, at),
            PullPolicy = Str(m["pull_policy"]),
            Ulimits = Ulimits(m["ulimits"] as YMapping, at),
            Tmpfs = Tmpfs(m["tmpfs"], at),
            Secrets = FileReferences(m["secrets"] as YSequence, at, "secrets"),
            Configs = FileReferences(m["configs"] as YSequence, at, "configs"),
            ShmSize = Bytes(m["shm_size"], $"{at}.shm_size"),
            MemLimit = Bytes(m["mem_limit"], $"{at}.mem_limit"),
            Deploy = Deploy(m["deploy"] as YMapping, at),
            Extensions = Extensions(m),
        };
        if (service.Image is null && service.Build is null)
            diagnostics.Error("service.no-image", $"service \"{name}\" has neither an image nor a build context specified", m.Start);
        if (networkMode is not null && m["networks"] is { } nets)
            diagnostics.Error("service.network-mode-and-networks", $"{at}: 'network_mode' and 'networks' cannot be combined", nets.Start);
        return service;
    }

    private BuildSpec? Build(YNode? node, string at) => node switch
    {
        YScalar s when !s.IsNull => new BuildSpec(BuildContext(s.Value, s, $"{at}.build"), null, ImmutableSortedDictionary<string, string?>.Empty, null),
        YMapping m => new BuildSpec(BuildContext(Str(m["context"]) ?? ".", m["context"] ?? m, $"{at}.build.context"), Str(m["dockerfile"]),
            NullableDict(m["args"]), Str(m["target"]))
        {
            Labels = Dict(m["labels"]),
            Network = Str(m["network"]),
            ExtraHosts = ExtraHosts(m["extra_hosts"], $"{at}.build"),
            ShmSize = Bytes(m["shm_size"], $"{at}.build.shm_size"),
        },
        _ => null,
    };

    /// <summary>A local context becomes an absolute path; a remote one (a Git or HTTP URL) is kept as written.</summary>
    private string BuildContext(string value, YNode node, string where) => IsRemote(value) ? value : HostPath(value, node, where) ?? value;

    /// <summary>A host path resolved against the project directory; null (reported) when it holds a NUL character, which no path can.</summary>
    private string? HostPath(string path, YNode node, string where)
    {
        if (!path.Contains('\0')) return context.ResolvePath(path);
        diagnostics.Error("path.nul", $"{where}: a path cannot contain a NUL character", node.Start);
        return null;
    }

    internal static bool IsRemote(string context) =>
        context.Contains("://", StringComparison.Ordinal) || context.StartsWith("git@", StringComparison.Ordinal) ||
        context.StartsWith("github.com/", StringComparison.Ordinal);

    private ImmutableArray<string>? CommandLine(YNode? node, string at)
    {
        switch (node)
        {
            case YSequence seq: return [.. seq.Items.OfType<YScalar>().Select(s => s.Value)];
            case YScalar s when s.IsNull: return null;
            case YScalar s:
                if (ValueParsers.TrySplitShellWords(s.Value, out var words)) return [.. words];
                diagnostics.Error("service.command", $"{at}: unbalanced quotes in \"{s.Value}\"", s.Start);
                return null;
            default: return null;
        }
    }

    private ImmutableSortedDictionary<string, string?> Environment(YMapping m, string at)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, string?>(StringComparer.Ordinal);
        foreach (var file in EnvFiles(m["env_file"], at))
            foreach (var (k, v) in file) result[k] = v;
        foreach (var (key, value, position) in Pairs(m["environment"], '='))
        {
            if (key.Length == 0) { diagnostics.Error("service.environment", $"{at}.environment: empty variable name", position); continue; }
            // A name without a value takes the shell's; if the shell has none the variable is left unset.
            var resolved = value ?? context.Lookup(key);
            if (value is null && resolved is null) { result.Remove(key); continue; }
            result[key] = resolved;
        }
        return result.ToImmutable();
    }

    private IEnumerable<IReadOnlyList<(string, string?)>> EnvFiles(YNode? node, string at)
    {
        var items = node switch
        {
            YScalar s when !s.IsNull => [(s, true)],
            YSequence seq => seq.Items.Select(i => i switch
            {
                YScalar s => (s, true),
                YMapping mm when mm["path"] is YScalar p => (p, (mm["required"] as YScalar)?.AsBool() ?? true),
                _ => ((YScalar?)null, false),
            }).Where(x => x.Item1 is not null).Select(x => (x.Item1!, x.Item2)).ToList(),
            _ => [],
        };
        foreach (var (pathNode, required) in items)
        {
            if (HostPath(pathNode.Value, pathNode, $"{at}.env_file") is not { } path) continue;
            var text = context.ReadFile(path);
            if (text is null)
            {
                if (required) diagnostics.Error("service.env-file", $"{at}.env_file: env file {path} not found", pathNode.Start);
                continue;
            }
            var (entries, error) = EnvFile.Parse(text, context.Lookup);
            if (error is not null)
            {
                diagnostics.Error("env-file.syntax", $"{error.Message}", new SourcePosition(path, error.Line, error.Column));
                continue;
            }
            yield return entries.Select(e => (e.Key, e.Value)).ToList();
        }
    }

    private ImmutableArray<PortBinding> Ports(YSequence? seq, string at)
    {
        var result = ImmutableArray.CreateBuilder<PortBinding>();
        foreach (var item in seq?.Items ?? [])
        {
            switch (item)
            {
                case YScalar s:
                    if (PortSyntax.TryParse(s.Value, out var parsed, out var error)) result.AddRange(parsed);
                    else diagnostics.Error("service.ports", $"{at}.ports: {error}", s.Start);
                    break;
                case YMapping p:
                {
                    var targetText = Str(p["target"]) ?? "";
                    if (!int.TryParse(targetText, NumberStyles.None, CultureInfo.InvariantCulture, out var target) || target is < 1 or > 65535)
                    {
                        diagnostics.Error("service.ports", $"{at}.ports: invalid target port '{targetText}'", p["target"]?.Start ?? p.Start);
                        break;
                    }
                    var published = Str(p["published"]);
                    if (published is not null && !PortSyntax.TryParseRange(published, out _, out _))
                    {
                        diagnostics.Error("service.ports", $"{at}.ports: invalid published port '{published}'", p["published"]!.Start);
                        break;
                    }
                    result.Add(new PortBinding(target, published, Str(p["host_ip"]), Str(p["protocol"]) ?? "tcp") { Mode = Str(p["mode"]) });
                    break;
                }
            }
        }
        // Unique by (host IP, target, published, protocol), as Compose keeps them: a repeat adds nothing.
        return [.. result.Distinct()];
    }

    private ImmutableArray<string> Expose(YSequence? seq)
    {
        var result = ImmutableArray.CreateBuilder<string>();
        foreach (var item in seq?.Items.OfType<YScalar>() ?? [])
        {
            var v = item.Value;
            var proto = "tcp";
            var slash = v.IndexOf('/');
            if (slash >= 0) { proto = v[(slash + 1)..]; v = v[..slash]; }
            if (PortSyntax.TryParseRange(v, out var lo, out var hi))
                for (var port = lo; port <= hi; port++) result.Add($"{port}/{proto}");
            else diagnostics.Error("service.expose", $"invalid port '{item.Value}' in expose", item.Start);
        }
        return result.ToImmutable();
    }

    private static ImmutableSortedDictionary<string, Dependency> DependsOn(YNode? node)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, Dependency>(StringComparer.Ordinal);
        switch (node)
        {
            case YSequence seq:
                foreach (var s in seq.Items.OfType<YScalar>()) result[s.Value] = new Dependency();
                break;
            case YMapping m:
                foreach (var (key, value) in m.Entries)
                {
                    var d = value as YMapping;
                    result[key.Value] = new Dependency(Str(d?["condition"]) ?? DependencyCondition.Started,
                        Bool(d?["restart"]), d?["required"] is YScalar r ? Bool(r) : true);
                }
                break;
        }
        return result.ToImmutable();
    }

    private ImmutableArray<Link> Links(YSequence? seq, string at)
    {
        var result = ImmutableArray.CreateBuilder<Link>();
        foreach (var s in seq?.Items.OfType<YScalar>() ?? [])
        {
            var parts = s.Value.Split(':');
            if (parts.Length > 2 || parts.Any(p => p.Length == 0))
            {
                diagnostics.Error("service.links", $"{at}.links: '{s.Value}' must be 'service' or 'service:alias'", s.Start);
                continue;
            }
            result.Add(new Link(parts[0], parts.Length == 2 ? parts[1] : parts[0]));
        }
        return result.ToImmutable();
    }

    private static ImmutableSortedDictionary<string, ServiceNetwork> ServiceNetworks(YNode? node, string? networkMode)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, ServiceNetwork>(StringComparer.Ordinal);
        switch (node)
        {
            case YSequence seq:
                foreach (var s in seq.Items.OfType<YScalar>()) result[s.Value] = new ServiceNetwork();
                break;
            case YMapping m:
                foreach (var (key, value) in m.Entries)
                {
                    var n = value as YMapping;
                    result[key.Value] = new ServiceNetwork
                    {
                        Aliases = List(n?["aliases"]), Ipv4Address = Str(n?["ipv4_address"]),
                        Ipv6Address = Str(n?["ipv6_address"]),
                        Priority = int.TryParse(Str(n?["priority"]), out var p) ? p : 0,
                    };
                }
                break;
            default:
                if (networkMode is null) result["default"] = new ServiceNetwork();
                break;
        }
        return result.ToImmutable();
    }

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
                    var create = (m["bind"] as YMapping)?["create_host_path"] is YScalar c ? Bool(c) : true;
                    var size = Bytes((m["tmpfs"] as YMapping)?["size"], $"{at}.volumes.tmpfs.size");
                    result.Add(new Mount(type, type == MountType.Bind ? HostPath(source!, m["source"]!, $"{at}.volumes") ?? source : source,
                        target, Bool(m["read_only"])) { CreateHostPath = create, TmpfsSize = type == MountType.Tmpfs ? size : null });
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

    private long? Bytes(YNode? node, string at)
    {
        if (node is not YScalar s || s.IsNull) return null;
        if (ValueParsers.TryParseBytes(s.Value, out var bytes)) return bytes;
        diagnostics.Error("bytes", $"{at}: '{s.Value}' is not a byte size (like 512, 64m, 1.5g)", s.Start);
        return null;
    }

    private string? Restart(YNode? node, string at)
    {
        var value = Str(node);
        if (value is null) return null;
        var ok = value is "no" or "always" or "unless-stopped" or "on-failure" ||
                 value.StartsWith("on-failure:", StringComparison.Ordinal) && int.TryParse(value[11..], out var n) && n >= 0;
        if (!ok) diagnostics.Error("service.restart", $"{at}.restart: '{value}' must be 'no', 'always', 'on-failure[:N]' or 'unless-stopped'", node!.Start);
        return value;
    }

    private ImmutableArray<ExtraHost> ExtraHosts(YNode? node, string at)
    {
        var result = ImmutableArray.CreateBuilder<ExtraHost>();
        if (node is YMapping m)
        {
            foreach (var (k, v) in m.Entries)
                foreach (var address in v is YSequence s ? s.Items.OfType<YScalar>().Select(x => x.Value) : [Str(v) ?? ""])
                    result.Add(new ExtraHost(k.Value, address));
            return result.ToImmutable();
        }
        foreach (var s in (node as YSequence)?.Items.OfType<YScalar>() ?? [])
        {
            // "host=ip" is the current form; "host:ip" the legacy one (an IPv6 address may hold colons).
            var eq = s.Value.IndexOf('=');
            var sep = eq >= 0 ? eq : s.Value.IndexOf(':');
            if (sep <= 0 || sep == s.Value.Length - 1)
            {
                diagnostics.Error("service.extra_hosts", $"{at}.extra_hosts: '{s.Value}' must be 'host=address' or 'host:address'", s.Start);
                continue;
            }
            var address = s.Value[(sep + 1)..];
            if (address.StartsWith('[') && address.EndsWith(']')) address = address[1..^1];
            result.Add(new ExtraHost(s.Value[..sep], address));
        }
        return result.ToImmutable();
    }

    private Healthcheck? Healthcheck(YMapping? m, string at)
    {
        if (m is null) return null;
        var disable = Bool(m["disable"]);
        var test = m["test"] switch
        {
            YScalar s when !s.IsNull => ImmutableArray.Create("CMD-SHELL", s.Value),
            YSequence seq => [.. seq.Items.OfType<YScalar>().Select(x => x.Value)],
            _ => ImmutableArray<string>.Empty,
        };
        if (!test.IsEmpty && test[0] == "NONE") disable = true;
        if (!test.IsEmpty && test[0] is not ("CMD" or "CMD-SHELL" or "NONE"))
            diagnostics.Error("service.healthcheck", $"{at}.healthcheck.test: a list must start with \"CMD\", \"CMD-SHELL\" or \"NONE\"", m["test"]!.Start);
        int? retries = null;
        if (m["retries"] is YScalar r)
        {
            if (int.TryParse(r.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) retries = n;
            else diagnostics.Error("service.healthcheck", $"{at}.healthcheck.retries: '{r.Value}' is not a whole number", r.Start);
        }
        return new Healthcheck
        {
            Disable = disable, Test = disable ? ["NONE"] : test, Retries = retries,
            Interval = Duration(m["interval"], $"{at}.healthcheck.interval"),
            Timeout = Duration(m["timeout"], $"{at}.healthcheck.timeout"),
            StartPeriod = Duration(m["start_period"], $"{at}.healthcheck.start_period"),
            StartInterval = Duration(m["start_interval"], $"{at}.healthcheck.start_interval"),
        };
    }

    private int Scale(YMapping m, string at)
    {
        int? Read(YNode? node, string key)
        {
            if (node is not YScalar s || s.IsNull) return null;
            if (int.TryParse(s.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return n;
            diagnostics.Error("service.scale", $"{at}.{key}: '{s.Value}' is not a whole number", s.Start);
            return null;
        }
        var replicasNode = (m["deploy"] as YMapping)?["replicas"];
        var replicas = Read(replicasNode, "deploy.replicas");
        var scale = Read(m["scale"], "scale");
        if (replicas is { } r && scale is { } sc && r != sc)
            diagnostics.Error("service.scale", $"{at}: 'scale' ({sc}) and 'deploy.replicas' ({r}) must not differ", replicasNode!.Start);
        return scale ?? replicas ?? 1;
    }

    private TimeSpan? Duration(YNode? node, string at)
    {
        if (node is not YScalar s || s.IsNull) return null;
        if (ValueParsers.TryParseDuration(s.Value, out var d)) return d;
        diagnostics.Error("duration", $"{at}: '{s.Value}' is not a duration (like 30s, 1m30s, 500ms)", s.Start);
        return null;
    }

    private static ImmutableSortedDictionary<string, string> Extensions(YMapping m)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        if (m["x-composer"] is YMapping x)
            foreach (var (k, v) in x.Entries) result[k.Value] = v is YScalar s ? s.Value : "";
        return result.ToImmutable();
    }

    // ---- small readers ------------------------------------------------------------------------------------------

    internal static string? Str(YNode? node) => node is YScalar s && !s.IsNull ? s.Value : null;

    internal static bool Bool(YNode? node) => node is YScalar s && (s.AsBool() ?? string.Equals(s.Value, "true", StringComparison.OrdinalIgnoreCase));

    internal static ImmutableArray<string> List(YNode? node) => node switch
    {
        YSequence seq => [.. seq.Items.OfType<YScalar>().Select(s => s.Value)],
        YScalar s when !s.IsNull => [s.Value],
        _ => [],
    };

    /// <summary>A list_or_dict as (key, value-or-null, position) in order; list items split at the first separator.</summary>
    internal static IEnumerable<(string Key, string? Value, SourcePosition At)> Pairs(YNode? node, char separator)
    {
        switch (node)
        {
            case YMapping m:
                foreach (var (k, v) in m.Entries) yield return (k.Value, Str(v), k.Start);
                break;
            case YSequence seq:
                foreach (var s in seq.Items.OfType<YScalar>())
                {
                    var i = s.Value.IndexOf(separator);
                    yield return i < 0 ? (s.Value, null, s.Start) : (s.Value[..i], s.Value[(i + 1)..], s.Start);
                }
                break;
        }
    }

    private static ImmutableSortedDictionary<string, string> Dict(YNode? node)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (k, v, _) in Pairs(node, '=')) result[k] = v ?? "";
        return result.ToImmutable();
    }

    private static ImmutableSortedDictionary<string, string?> NullableDict(YNode? node)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, string?>(StringComparer.Ordinal);
        foreach (var (k, v, _) in Pairs(node, '=')) result[k] = v;
        return result.ToImmutable();
    }
}

/// <summary>What normalization needs from outside: the project directory, files, and variables.</summary>
public sealed class NormalizerContext(string projectDirectory, IReadOnlyList<string> configFiles, Func<string, string?> lookup, Func<string, string?> readFile)
{
    public string ProjectDirectory { get; } = projectDirectory;
    public IReadOnlyList<string> ConfigFiles { get; } = configFiles;
    public string? Lookup(string name) => lookup(name);
    public string? ReadFile(string path) => readFile(path);

    public string ResolvePath(string path) => ResolvePath(ProjectDirectory, path, lookup("HOME"));

    /// <summary>A host path as the file's are read: <c>~</c> is <paramref name="home"/>, a relative one the project directory's.</summary>
    public static string ResolvePath(string projectDirectory, string path, string? home)
    {
        if (path.StartsWith("~/", StringComparison.Ordinal) || path == "~")
            path = Path.Combine(home ?? "/root", path.TrimStart('~').TrimStart('/'));
        return Path.GetFullPath(Path.Combine(projectDirectory, path));
    }
}
