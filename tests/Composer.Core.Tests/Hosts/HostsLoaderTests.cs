using Composer.Core.Hosts;
using Composer.Core.Model;
using Composer.Core.Tests.TestSupport;

namespace Composer.Core.Tests.Hosts;

/// <summary>Issue 13: hosts in the compose file (top-level x-composer.hosts, per service x-composer.host).</summary>
public sealed class HostsLoaderTests
{
    private const string Hosts = """
        x-composer:
          hosts:
            a: { docker_host: "unix:///run/hostA/docker.sock", address: "10.99.1.11" }
            b: { docker_host: "unix:///run/hostB/docker.sock", address: "10.99.1.12" }
            c: { docker_host: lab-c, address: "10.99.1.13" }

        """;

    private static string Errors(string yaml)
    {
        var result = TestProjects.LoadResult(yaml);
        result.Success.Should().BeFalse();
        return string.Join("\n", result.Diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void Hosts_and_placement_are_read()
    {
        var project = TestProjects.Load(Hosts + """
            services:
              db: { image: x, expose: ["5432"], x-composer: { host: a, failover: [c, b] } }
              api: { image: x, depends_on: [db], x-composer: { host: b } }
              tool: { image: x }
            """);
        project.IsMultiHost().Should().BeTrue();
        project.Hosts["a"].Should().Be(new HostSpec { Name = "a", Endpoint = "unix:///run/hostA/docker.sock", Address = "10.99.1.11" });
        project.Hosts["c"].Context.Should().Be("lab-c");
        project.Hosts["c"].Endpoint.Should().BeNull();
        project.Services["db"].HostOf().Should().Be("a");
        project.Services["db"].FailoverOf().Should().Equal("c", "b");
        project.Services["tool"].HostOf().Should().Be(HostSpec.Local);
    }

    [Fact]
    public void A_file_without_hosts_is_one_engine()
    {
        var project = TestProjects.Load("services:\n  a: { image: x }\n");
        project.IsMultiHost().Should().BeFalse();
        project.Services["a"].HostOf().Should().Be(HostSpec.Local);
    }

    [Fact]
    public void An_unknown_host_is_an_error_at_its_line_and_column()
    {
        var errors = Errors(Hosts + """
            services:
              db:
                image: x
                x-composer:
                  host: d
            """);
        errors.Should().Contain("/work/demo/compose.yaml:10:13: error: service \"db\" is placed on unknown host \"d\" (x-composer.hosts defines a, b, c, local)");
    }

    [Fact]
    public void A_host_without_any_hosts_defined_is_an_error()
    {
        Errors("services:\n  db:\n    image: x\n    x-composer: { host: a }\n")
            .Should().Contain("compose.yaml:4:25: error: service \"db\" is placed on unknown host \"a\" (the file defines no x-composer.hosts)");
    }

    [Fact]
    public void Failover_to_an_unknown_host_or_back_to_its_own_is_an_error()
    {
        var errors = Errors(Hosts + """
            services:
              db:
                image: x
                x-composer: { host: a, failover: [b, z, a, b] }
            """);
        errors.Should().Contain("compose.yaml:9:42: error: service \"db\" fails over to unknown host \"z\"");
        errors.Should().Contain("compose.yaml:9:45: error: service \"db\": cycle of placement: it runs on \"a\" and its failover list leads back to \"a\"");
        errors.Should().Contain("compose.yaml:9:48: error: service \"db\": cycle of placement: its failover list names \"b\" twice");
    }

    [Fact]
    public void Services_sharing_a_namespace_must_be_placed_together()
    {
        var errors = Errors(Hosts + """
            services:
              app: { image: x, x-composer: { host: a } }
              sidecar:
                image: x
                network_mode: service:app
                x-composer: { host: b }
            """);
        errors.Should().Contain("compose.yaml:10:19: error: service \"sidecar\" uses network_mode of \"app\", so it must run on the same host, but it is placed on \"b\" and \"app\" on \"a\"");
    }

    [Fact]
    public void Hosts_are_checked()
    {
        var errors = Errors("""
            x-composer:
              hosts:
                a: { docker_host: "unix:///run/a.sock", address: "10.0.0.1", zone: x }
                b: { docker_host: "unix:///run/a.sock" }
                c: { address: "10.0.0.1" }
                "bad name": { docker_host: "unix:///x" }
                d: { docker_host: "http://x" }
            services:
              s: { image: x }
            """);
        errors.Should().Contain("compose.yaml:3:66: error: x-composer.hosts.a: unknown key \"zone\"");
        errors.Should().Contain("compose.yaml:4:23: error: x-composer.hosts.b: docker_host 'unix:///run/a.sock' is already host \"a\"");
        errors.Should().Contain("compose.yaml:5:19: error: x-composer.hosts.c: address '10.0.0.1' is already host \"a\"'s");
        errors.Should().Contain("compose.yaml:5:5: error: x-composer.hosts.c has no docker_host");
        errors.Should().Contain("compose.yaml:6:5: error: x-composer.hosts: invalid host name \"bad name\"");
        errors.Should().Contain("compose.yaml:7:23: error: x-composer.hosts.d.docker_host: 'http://x' is neither");
    }

    [Fact]
    public void A_provider_used_from_another_host_needs_an_address_and_one_port()
    {
        var errors = Errors("""
            x-composer:
              hosts:
                a: { docker_host: "unix:///run/a.sock" }
                b: { docker_host: "unix:///run/b.sock", address: "10.0.0.2" }
            services:
              db: { image: x, expose: ["5432"], x-composer: { host: a } }
              cache: { image: x, x-composer: { host: b } }
              api:
                image: x
                links: [db]
                environment: { CACHE: "redis://cache/0" }
            """);
        errors.Should().Contain("compose.yaml:10:12: error: api on local links db on a, but host \"a\" has no address in x-composer.hosts");
        errors.Should().Contain("compose.yaml:11:18: error: api on local names cache on b, but \"cache\" declares no port for its ambassadors to carry (add expose: [PORT])");
    }

    [Fact]
    public void Compose_keys_stay_valid_for_the_schema()
    {
        // Extensions only: the schema (Compose's own) accepts the file as it is.
        var result = TestProjects.LoadResult(Hosts + "services:\n  db: { image: x, x-composer: { host: a } }\n");
        result.Success.Should().BeTrue(string.Join("\n", result.Diagnostics));
    }

    [Fact]
    public void Config_prints_the_hosts_and_reads_back_the_same()
    {
        var project = TestProjects.Load(Hosts + "services:\n  db: { image: x, x-composer: { host: a, failover: [b] } }\n");
        var yaml = ProjectWriter.ToYaml(project);
        yaml.Should().Contain("docker_host: unix:///run/hostA/docker.sock").And.Contain("docker_host: lab-c");
        var again = TestProjects.Load(yaml);
        again.Hosts.Should().BeEquivalentTo(project.Hosts);
        again.Services["db"].FailoverOf().Should().Equal("b");
    }
}
