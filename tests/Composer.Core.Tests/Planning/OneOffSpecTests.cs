using System.Collections.Immutable;
using Composer.Core.Engine;
using Composer.Core.Model;
using Composer.Core.Planning;
using Composer.Core.Tests.TestSupport;

namespace Composer.Core.Tests.Planning;

/// <summary>The one-off container of <c>run</c>: the service's spec without ports and aliases unless asked, plus run's flags.</summary>
public class OneOffSpecTests
{
    private static readonly Project Project = TestProjects.Load("""
        services:
          web:
            image: x
            command: ["httpd", "-f"]
            restart: always
            environment: { A: "1", B: "2" }
            labels: { team: core }
            ports: ["127.0.0.1:8080:80", "9000/udp"]
            networks:
              front: { aliases: [www] }
              back: {}
            volumes: ["data:/data", "./conf:/etc/conf:ro"]
        networks: { front: {}, back: {} }
        volumes: { data: {} }
        """);

    private static ContainerSpec Build(OneOffOptions options) => OneOffSpec.Build(Project, Project.Services["web"], null, options, "0123456789ab");

    [Fact]
    public void By_default_a_one_off_publishes_nothing_answers_to_no_alias_and_never_restarts()
    {
        var spec = Build(new OneOffOptions());
        spec.Name.Should().Be("demo-web-run-0123456789ab");
        spec.Labels.Should().Contain(ComposeLabels.OneOff, "True").And.Contain("team", "core").And.NotContainKey(ConfigDiff.Label);
        spec.Ports.Should().BeEmpty();
        spec.PrimaryNetwork!.Aliases.Should().BeEmpty();
        spec.ExtraNetworks.Should().OnlyContain(n => n.Aliases.IsEmpty);
        spec.RestartPolicy.Should().BeNull();
        spec.Command.Should().Equal("httpd", "-f");
        spec.Tty.Should().BeFalse();
        spec.StdinOpen.Should().BeFalse();
        spec.StdinOnce.Should().BeFalse();
    }

    [Fact]
    public void Service_ports_publishes_the_services_ports()
    {
        var spec = Build(new OneOffOptions { ServicePorts = true });
        spec.Ports.Should().Equal(Project.Services["web"].Ports);
        spec.ExposedPorts.Should().Contain(["80/tcp", "9000/udp"]);
    }

    [Fact]
    public void Publish_replaces_the_services_ports_and_exposes_its_targets()
    {
        var spec = Build(new OneOffOptions { Publish = [new PortBinding(8081, null, "127.0.0.1")] });
        spec.Ports.Should().Equal(new PortBinding(8081, null, "127.0.0.1"));
        spec.ExposedPorts.Should().Contain("8081/tcp");
    }

    [Fact]
    public void Use_aliases_keeps_the_service_name_and_its_aliases_on_every_network()
    {
        var spec = Build(new OneOffOptions { UseAliases = true });
        var attachments = new[] { spec.PrimaryNetwork! }.Concat(spec.ExtraNetworks).ToDictionary(a => a.NetworkName);
        attachments["demo_front"].Aliases.Should().Equal("web", "www");
        attachments["demo_back"].Aliases.Should().Equal("web");
    }

    [Fact]
    public void Command_environment_labels_and_the_rest_override_the_service()
    {
        var spec = Build(new OneOffOptions
        {
            Name = "custom",
            Command = ["sh", "-c", "true"],
            Entrypoint = ["/bin/env"],
            Environment = ["B=override", "C=3"],
            Labels = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("team", "edge"), KeyValuePair.Create("extra", "1")]),
            WorkingDir = "/tmp",
            User = "nobody",
        });
        spec.Name.Should().Be("custom");
        spec.Command.Should().Equal("sh", "-c", "true");
        spec.Entrypoint.Should().Equal("/bin/env");
        spec.Environment.Should().Equal("A=1", "B=override", "C=3");
        spec.Labels.Should().Contain("team", "edge").And.Contain("extra", "1").And.Contain(ComposeLabels.Project, "demo");
        spec.WorkingDir.Should().Be("/tmp");
        spec.User.Should().Be("nobody");
    }

    [Fact]
    public void Volumes_resolve_volume_keys_to_engine_names_and_replace_a_mount_at_the_same_target()
    {
        var spec = Build(new OneOffOptions
        {
            Volumes = [new Mount(MountType.Bind, "/srv/other", "/etc/conf"), new Mount(MountType.Volume, "data", "/more"), new Mount(MountType.Volume, "loose", "/loose")],
        });
        spec.Mounts.Should().Equal(
            new Mount(MountType.Volume, "demo_data", "/data"),
            new Mount(MountType.Bind, "/srv/other", "/etc/conf"),
            new Mount(MountType.Volume, "demo_data", "/more"),
            new Mount(MountType.Volume, "loose", "/loose"));
    }

    [Theory]
    [InlineData(true, false, true, true)]
    [InlineData(true, true, true, false)]
    [InlineData(false, false, false, false)]
    public void Interactive_keeps_stdin_open_and_closes_it_with_composers_input_unless_detached(bool interactive, bool detach, bool open, bool once)
    {
        var spec = Build(new OneOffOptions { Interactive = interactive, Detach = detach, Tty = true });
        spec.Tty.Should().BeTrue();
        spec.StdinOpen.Should().Be(open);
        spec.StdinOnce.Should().Be(once);
    }
}
