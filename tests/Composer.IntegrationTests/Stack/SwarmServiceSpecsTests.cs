using Composer.Core.Stack;
using Composer.Docker;

namespace Composer.IntegrationTests.Stack;

/// <summary>What each model field becomes in the Engine API's service spec, without an engine (a converter test).</summary>
public class SwarmServiceSpecsTests
{
    [Fact]
    public void Deploy_keys_ports_and_files_map_to_the_swarm_service_spec()
    {
        var dir = Directory.CreateTempSubdirectory("composer-swarmspec").FullName;
        File.WriteAllText(Path.Combine(dir, "compose.yaml"), """
                services:
                  api:
                    image: composer-busybox:1
                    entrypoint: ["sh", "-c"]
                    command: ["echo hi"]
                    environment: { A: "1" }
                    restart: always
                    ports: [{ target: 80, published: 8080, mode: host }]
                    configs: [{ source: conf, target: /etc/app.conf }]
                    healthcheck: { test: ["CMD", "true"], interval: 2s }
                    deploy:
                      replicas: 3
                      endpoint_mode: dnsrr
                      placement: { constraints: ["node.role == worker"], preferences: [{ spread: node.labels.host }] }
                      resources: { limits: { cpus: "0.5", memory: 64M } }
                      update_config: { parallelism: 2, order: start-first }
                configs:
                  conf: { content: "x" }
                """);
        var result = new Composer.Core.Loading.ProjectLoader().Load(new Composer.Core.Loading.ProjectOptions { WorkingDirectory = dir, ProjectName = "demo" });
        Directory.Delete(dir, true);
        result.Success.Should().BeTrue(string.Join("\n", result.Diagnostics));
        var stack = StackSpecBuilder.Build(result.Project!, _ => []).Services.Single();

        var spec = SwarmServiceSpecs.ToServiceSpec(stack, configIds: new Dictionary<string, string> { ["demo_conf"] = "cfg1" });

        spec.Name.Should().Be("demo_api");
        spec.Labels["com.docker.stack.namespace"].Should().Be("demo");
        spec.Mode.Replicated!.Replicas.Should().Be(3);
        var c = spec.TaskTemplate.ContainerSpec;
        c.Command.Should().Equal("sh", "-c");
        c.Args.Should().Equal("echo hi");
        c.Env.Should().Equal("A=1");
        c.Healthcheck.Interval.Should().Be(TimeSpan.FromSeconds(2));
        c.Configs.Should().ContainSingle().Which.Should().Match<global::Docker.DotNet.Models.SwarmConfigReference>(r => r.ConfigName == "demo_conf" && r.ConfigID == "cfg1" && r.File.Name == "/etc/app.conf");
        spec.TaskTemplate.Placement.Constraints.Should().Equal("node.role == worker");
        spec.TaskTemplate.Placement.Preferences.Single().Spread.SpreadDescriptor.Should().Be("node.labels.host");
        spec.TaskTemplate.Resources.Limits.NanoCPUs.Should().Be(500_000_000);
        spec.TaskTemplate.Resources.Limits.MemoryBytes.Should().Be(64 * 1024 * 1024);
        spec.TaskTemplate.RestartPolicy.Condition.Should().Be("any");
        spec.TaskTemplate.Networks.Single().Should().Match<global::Docker.DotNet.Models.NetworkAttachmentConfig>(n => n.Target == "demo_default" && n.Aliases.Contains("api"));
        spec.UpdateConfig.Parallelism.Should().Be(2);
        spec.UpdateConfig.Order.Should().Be("start-first");
        spec.EndpointSpec.Mode.Should().Be("dnsrr");
        spec.EndpointSpec.Ports.Single().Should().Match<global::Docker.DotNet.Models.PortConfig>(p => p.PublishedPort == 8080 && p.TargetPort == 80 && p.PublishMode == "host");
    }
}
