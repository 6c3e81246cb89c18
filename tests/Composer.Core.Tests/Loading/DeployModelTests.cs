using System.Text.Json.Nodes;
using Composer.Core.Model;
using Composer.Core.Planning;
using Composer.Core.Stack;
using Composer.Core.Tests.TestSupport;

namespace Composer.Core.Tests.Loading;

/// <summary>
/// One <c>deploy</c> model read once: the Swarm path, the single-engine container and <c>config</c> all read
/// <see cref="Service.Deploy"/>, and the Swarm's canonical form keeps its shape (no stack is updated by the change).
/// </summary>
public class DeployModelTests
{
    private const string File = """
        services:
          api:
            image: composer-busybox:1
            mem_limit: 1g
            restart: always
            deploy:
              mode: replicated
              resources:
                limits: { cpus: "0.5", memory: 64M, pids: 100 }
                reservations:
                  memory: 32M
                  devices: [{ capabilities: [gpu], count: 1 }]
              restart_policy: { condition: on-failure, max_attempts: 3, delay: 2s }
              x-note: kept
          plain:
            image: composer-busybox:1
            deploy: { replicas: 2 }
        """;

    [Fact]
    public void The_container_on_one_engine_takes_deploy_resources_and_restart_policy_from_the_same_model()
    {
        var project = TestProjects.Load(File);
        var api = project.Services["api"];
        var spec = ContainerSpecBuilder.Build(project, api, 1, ConfigHash.Compute(api), null);
        spec.Deploy.Should().BeSameAs(api.Deploy);
        spec.MemLimit.Should().Be(64L << 20, "deploy.resources.limits.memory wins over mem_limit");
        spec.RestartPolicy.Should().Be("on-failure:3", "deploy.restart_policy wins over restart");
        DeployOnOneEngine.Cpus(api.Deploy, api.Runtime).Should().Be(0.5);
        DeployOnOneEngine.PidsLimit(api.Deploy, api.Runtime).Should().Be(100);
        DeployOnOneEngine.MemReservation(api.Deploy, api.Runtime).Should().Be(32L << 20);
        DeployOnOneEngine.DeviceRequests(api.Deploy, api.Runtime).Should().ContainSingle().Which.Capabilities.Should().Equal("gpu");
        project.Services["plain"].Deploy.Should().BeNull("replicas alone is the service's scale");
    }

    [Fact]
    public void The_swarm_canonical_form_keeps_its_fields_and_leaves_out_the_single_engine_ones()
    {
        var project = TestProjects.Load(File);
        var deploy = JsonNode.Parse(StackSpecBuilder.CanonicalForm(project.Services["api"], project))!["deploy"]!.AsObject();
        deploy.Select(kv => kv.Key).Should().Equal("mode", "labels", "constraints", "spread_preferences", "limits", "reservations", "restart_policy");
        deploy["limits"]!.ToJsonString().Should().Be("""{"nano_cpus":500000000,"memory_bytes":67108864,"pids":100}""");
        deploy["reservations"]!.ToJsonString().Should().Be("""{"memory_bytes":33554432}""", "device reservations have no Swarm field");
        deploy["restart_policy"]!.ToJsonString().Should().Be("""{"condition":"on-failure","delay":"00:00:02","max_attempts":3}""");
        JsonNode.Parse(StackSpecBuilder.CanonicalForm(project.Services["plain"], project))!["deploy"].Should().BeNull();
    }

    [Fact]
    public void Config_prints_the_section_from_the_same_model()
    {
        var result = TestProjects.LoadResult(File);
        var yaml = ProjectWriter.ToYaml(result.Project!);
        yaml.Should().Contain("      mode: replicated\n").And.Contain("      x-note: kept\n").And.Contain("          cpus: 0.5\n")
            .And.Contain("          devices:\n").And.Contain("        max_attempts: 3\n");
    }

    [Fact]
    public void A_bad_value_is_reported_once_at_its_deploy_path()
    {
        var result = TestProjects.LoadResult("services:\n  api:\n    image: x\n    deploy:\n      resources:\n        limits: { cpus: lots }\n");
        result.Diagnostics.Where(d => d.Severity == Composer.Core.Diagnostics.Severity.Error).Select(d => d.Message)
            .Should().ContainSingle().Which.Should().StartWith("services.api.deploy.resources.limits.cpus: 'lots'");
    }
}
