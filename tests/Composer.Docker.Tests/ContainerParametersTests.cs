using System.Collections.Immutable;
using System.Formats.Tar;
using Composer.Core.Engine;
using Composer.Core.Model;
using Docker.DotNet.Models;
using ContainerSpec = Composer.Core.Engine.ContainerSpec;
using Mount = Composer.Core.Model.Mount;
using PortBinding = Composer.Core.Model.PortBinding;
using Healthcheck = Composer.Core.Model.Healthcheck;
using NetworkAttachment = Composer.Core.Engine.NetworkAttachment;

namespace Composer.Docker.Tests;

/// <summary>Each field of a <see cref="ContainerSpec"/> and what the create request carries for it.</summary>
public class ContainerParametersTests
{
    private static ContainerSpec Spec => new() { Name = "p-web-1", Service = "web", Image = "busybox" };

    [Fact]
    public void A_minimal_spec_sets_name_image_and_leaves_the_rest_unset()
    {
        var p = ContainerParameters.From(Spec);
        p.Name.Should().Be("p-web-1");
        p.Image.Should().Be("busybox");
        p.Cmd.Should().BeNull("the image's command stays");
        p.Entrypoint.Should().BeNull();
        p.ExposedPorts.Should().BeNull();
        p.HostConfig.PortBindings.Should().BeNull();
        p.HostConfig.RestartPolicy.Should().BeNull();
        p.NetworkingConfig.Should().BeNull();
        p.Healthcheck.Should().BeNull();
    }

    [Fact]
    public void Command_environment_labels_and_an_empty_entrypoint_that_clears_the_image_s()
    {
        var p = ContainerParameters.From(Spec with
        {
            Command = ["sh", "-c", "echo hi"], Entrypoint = [],
            Environment = ["A=1", "B="], Labels = ImmutableSortedDictionary<string, string>.Empty.Add("k", "v"),
            WorkingDir = "/app", User = "1000:1000", Hostname = "web", Tty = true, StdinOpen = true, StopSignal = "SIGINT",
        });
        p.Cmd.Should().Equal("sh", "-c", "echo hi");
        p.Entrypoint.Should().Equal([""], "an empty list is how the API says 'no entrypoint'");
        p.Env.Should().Equal("A=1", "B=");
        p.Labels.Should().Equal(new Dictionary<string, string> { ["k"] = "v" });
        (p.WorkingDir, p.User, p.Hostname, p.Tty, p.OpenStdin, p.StopSignal).Should().Be(("/app", "1000:1000", "web", true, true, "SIGINT"));
    }

    [Fact]
    public void Published_ports_are_grouped_per_port_and_protocol_and_exposed()
    {
        var p = ContainerParameters.From(Spec with
        {
            ExposedPorts = ["80/tcp", "53/udp"],
            Ports = [new PortBinding(80, "8080"), new PortBinding(80, "8081", "127.0.0.1"), new PortBinding(53, "5353", Protocol: "udp"), new PortBinding(9000)],
        });
        p.ExposedPorts.Keys.Should().BeEquivalentTo("80/tcp", "53/udp");
        p.HostConfig.PortBindings["80/tcp"].Select(b => (b.HostIP, b.HostPort)).Should().Equal(("", "8080"), ("127.0.0.1", "8081"));
        p.HostConfig.PortBindings["53/udp"].Single().HostPort.Should().Be("5353");
        p.HostConfig.PortBindings["9000/tcp"].Single().HostPort.Should().Be("", "an unpublished port gets an ephemeral one");
    }

    [Fact]
    public void Binds_that_may_create_the_host_path_are_binds_and_everything_else_is_a_mount()
    {
        var p = ContainerParameters.From(Spec with
        {
            Mounts =
            [
                new Mount(MountType.Bind, "/srv/data", "/data", ReadOnly: true) { CreateHostPath = true },
                new Mount(MountType.Bind, "/srv/conf", "/conf") { CreateHostPath = false },
                new Mount(MountType.Volume, "p_db", "/var/lib/db"),
                new Mount(MountType.Tmpfs, null, "/tmp") { TmpfsSize = 1024 },
            ],
        });
        p.HostConfig.Binds.Should().Equal("/srv/data:/data:ro");
        p.HostConfig.Mounts.Select(m => (m.Type, m.Source, m.Target)).Should().Equal((MountType.Bind, "/srv/conf", "/conf"), (MountType.Volume, "p_db", "/var/lib/db"), (MountType.Tmpfs, null, "/tmp"));
        p.HostConfig.Mounts[2].TmpfsOptions.SizeBytes.Should().Be(1024);
    }

    [Theory]
    [InlineData("always", "always", 0)]
    [InlineData("unless-stopped", "unless-stopped", 0)]
    [InlineData("on-failure:3", "on-failure", 3)]
    [InlineData("no", "no", 0)]
    public void Restart_policies(string restart, string kind, long retries)
    {
        var policy = ContainerParameters.From(Spec with { RestartPolicy = restart }).HostConfig.RestartPolicy;
        policy.Name.ToString().Replace("UnlessStopped", "unless-stopped", StringComparison.Ordinal).Replace("OnFailure", "on-failure", StringComparison.Ordinal)
            .ToLowerInvariant().Should().Be(kind);
        policy.MaximumRetryCount.Should().Be(retries);
    }

    [Fact]
    public void A_disabled_healthcheck_is_the_API_s_NONE_and_an_enabled_one_keeps_its_timings()
    {
        ContainerParameters.From(Spec with { Healthcheck = new Healthcheck { Disable = true } }).Healthcheck.Test.Should().Equal("NONE");
        var h = ContainerParameters.From(Spec with { Healthcheck = new Healthcheck { Test = ["CMD", "true"], Interval = TimeSpan.FromSeconds(2), Retries = 3 } }).Healthcheck;
        h.Test.Should().Equal("CMD", "true");
        h.Interval.Should().Be(TimeSpan.FromSeconds(2));
        h.Retries.Should().Be(3);
    }

    [Fact]
    public void Links_go_on_the_host_config_on_the_default_bridge_and_on_the_endpoint_on_a_project_network()
    {
        var bridge = ContainerParameters.From(Spec with { Links = ["p-db-1:db"], NetworkMode = "bridge" });
        bridge.HostConfig.Links.Should().Equal("p-db-1:db");
        bridge.NetworkingConfig.Should().BeNull();

        var project = ContainerParameters.From(Spec with
        {
            Links = ["p-db-1:db"],
            PrimaryNetwork = new NetworkAttachment("p_default", ["web", "www"], Ipv4Address: "172.30.0.5"),
        });
        project.HostConfig.Links.Should().BeNull();
        var endpoint = project.NetworkingConfig.EndpointsConfig["p_default"];
        endpoint.Aliases.Should().Equal("web", "www");
        endpoint.Links.Should().Equal("p-db-1:db");
        endpoint.IPAMConfig.IPv4Address.Should().Be("172.30.0.5");
    }

    [Fact]
    public void Host_settings_map_one_to_one()
    {
        var p = ContainerParameters.From(Spec with
        {
            ExtraHosts = ["db:host-gateway"], Dns = ["192.0.2.53"], VolumesFrom = ["p-data-1:ro"], CapAdd = ["NET_ADMIN"], CapDrop = ["ALL"],
            Privileged = true, ReadOnly = true, Init = true, ShmSize = 64, MemLimit = 1 << 20,
            Ulimits = ImmutableSortedDictionary<string, Core.Model.Ulimit>.Empty.Add("nofile", new Core.Model.Ulimit(1024, 2048)),
            Tmpfs = ImmutableSortedDictionary<string, string>.Empty.Add("/run", "size=1m"),
        });
        var h = p.HostConfig;
        h.ExtraHosts.Should().Equal("db:host-gateway");
        h.DNS.Should().Equal("192.0.2.53");
        h.VolumesFrom.Should().Equal("p-data-1:ro");
        (h.CapAdd.Single(), h.CapDrop.Single(), h.Privileged, h.ReadonlyRootfs, h.Init, h.ShmSize, h.Memory).Should().Be(("NET_ADMIN", "ALL", true, true, (bool?)true, 64L, 1L << 20));
        h.Ulimits.Single().Should().BeEquivalentTo(new global::Docker.DotNet.Models.Ulimit { Name = "nofile", Soft = 1024, Hard = 2048 });
        h.Tmpfs.Should().Equal(new Dictionary<string, string> { ["/run"] = "size=1m" });
    }

    [Fact]
    public void Injected_files_become_a_tar_at_their_paths_with_mode_and_owner()
    {
        using var archive = ContainerParameters.Archive([new InjectedFile("/run/secrets/token", "s3cret", 0x100, "1000", "1001")]);
        using var reader = new TarReader(archive);
        var entry = reader.GetNextEntry()!;
        entry.Name.Should().Be("run/secrets/token");
        ((int)entry.Mode).Should().Be(0x100);
        (entry.Uid, entry.Gid).Should().Be((1000, 1001));
        new StreamReader(entry.DataStream!).ReadToEnd().Should().Be("s3cret");
        reader.GetNextEntry().Should().BeNull();
    }
}
