using System.Collections.Immutable;
using System.Formats.Tar;
using Composer.Core.Model;
using ContainerSpec = Composer.Core.Engine.ContainerSpec;
using Mount = Composer.Core.Model.Mount;
using NetworkAttachment = Composer.Core.Engine.NetworkAttachment;
using NetworkSpec = Composer.Core.Engine.NetworkSpec;

namespace Composer.Docker.Tests;

/// <summary>The per-network, mount and build keys of compose-spec in the engine's create and build requests.</summary>
public class ContainerParametersKeysTests
{
    private static ContainerSpec Spec => new() { Name = "p-web-1", Service = "web", Image = "busybox" };

    [Fact]
    public void A_network_attachment_carries_its_driver_options_and_link_local_addresses()
    {
        var attachment = new NetworkAttachment("p_front", ["web"], "172.30.0.5")
        {
            DriverOpts = ImmutableSortedDictionary<string, string>.Empty.Add("com.example.opt", "v"),
            LinkLocalIps = ["169.254.10.1"],
        };
        var endpoint = ContainerParameters.From(Spec with { PrimaryNetwork = attachment }).NetworkingConfig.EndpointsConfig["p_front"];
        endpoint.DriverOpts.Should().Equal(new Dictionary<string, string> { ["com.example.opt"] = "v" });
        endpoint.IPAMConfig.IPv4Address.Should().Be("172.30.0.5");
        endpoint.IPAMConfig.LinkLocalIPs.Should().Equal("169.254.10.1");
        ContainerParameters.Endpoint(attachment with { Ipv4Address = null }, []).IPAMConfig.LinkLocalIPs.Should().Equal("169.254.10.1");
    }

    [Fact]
    public void Long_syntax_mount_options_go_through_the_mount_api()
    {
        var p = ContainerParameters.From(Spec with
        {
            Mounts =
            [
                new Mount(MountType.Tmpfs, null, "/scratch") { TmpfsSize = 1 << 20, TmpfsMode = Convert.ToInt32("700", 8) },
                new Mount(MountType.Volume, "p_data", "/data") { VolumeLabels = ImmutableSortedDictionary<string, string>.Empty.Add("a", "b"), NoCopy = true },
                new Mount(MountType.Bind, "/srv", "/srv") { Recursive = "disabled" },
                new Mount(MountType.Bind, "/etc", "/host-etc", ReadOnly: true) { Consistency = "cached" },
                new Mount(MountType.Bind, "/var/log", "/logs") { Selinux = "z" },
            ],
        }).HostConfig;
        var tmpfs = p.Mounts.Single(m => m.Target == "/scratch");
        (tmpfs.TmpfsOptions.SizeBytes, tmpfs.TmpfsOptions.Mode).Should().Be((1 << 20, 448u));
        var volume = p.Mounts.Single(m => m.Target == "/data");
        volume.VolumeOptions.Labels.Should().Equal(new Dictionary<string, string> { ["a"] = "b" });
        volume.VolumeOptions.NoCopy.Should().BeTrue();
        p.Mounts.Single(m => m.Target == "/srv").BindOptions.NonRecursive.Should().BeTrue("recursive: disabled");
        p.Mounts.Single(m => m.Target == "/host-etc").Consistency.Should().Be("cached");
        p.Binds.Should().Equal(["/var/log:/logs:z"], "a plain bind the engine may create stays a Binds string, as Compose sends it");
    }

    [Fact]
    public void A_network_carries_its_ipam_options_and_auxiliary_addresses()
    {
        var empty = ImmutableSortedDictionary<string, string>.Empty;
        var ipam = new Ipam(null, [new IpamPool("10.1.0.0/24", null, null) { AuxAddresses = empty.Add("router", "10.1.0.2") }])
        {
            Options = empty.Add("com.example.ipam", "yes"),
        };
        var p = DockerEngine.NetworkCreateParameters(new NetworkSpec("p_front", null, false, false, false, ipam, empty, empty));
        p.IPAM.Options.Should().Equal(new Dictionary<string, string> { ["com.example.ipam"] = "yes" });
        p.IPAM.Config.Single().AuxAddress.Should().Equal(new Dictionary<string, string> { ["router"] = "10.1.0.2" });
        DockerEngine.NetworkCreateParameters(new NetworkSpec("p_b", null, false, false, false, ipam with { Options = empty }, empty, empty))
            .IPAM.Options.Should().BeNull("no options, none sent, as Compose does");
    }

    [Fact]
    public void Cache_from_travels_as_one_json_array_as_the_engine_reads_it() =>
        DockerEngine.JsonStringArray(["composer-busybox:1", "a\"b"]).Should().Be("[\"composer-busybox:1\",\"a\\\"b\"]");

    [Fact]
    public async Task An_inline_dockerfile_travels_in_the_context_under_its_own_name()
    {
        var dir = Directory.CreateTempSubdirectory("composer-inline-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "Dockerfile"), "FROM other");
            await using var tar = await BuildContext.TarAsync(dir.FullName, BuildContext.InlineDockerfileName, CancellationToken.None, "FROM composer-busybox:1\n");
            var entries = new Dictionary<string, string>();
            await using var reader = new TarReader(tar);
            while (await reader.GetNextEntryAsync() is { } entry)
                entries[entry.Name] = entry.DataStream is null ? "" : await new StreamReader(entry.DataStream).ReadToEndAsync();
            entries[BuildContext.InlineDockerfileName].Should().Be("FROM composer-busybox:1\n");
            entries["Dockerfile"].Should().Be("FROM other", "the context's own files are sent unchanged");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
