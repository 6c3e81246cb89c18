using Composer.Core.Tests.TestSupport;
using Composer.Core.UseCases;

namespace Composer.Core.Tests.UseCases;

/// <summary>The engine's "port is already allocated" at up, explained with the services that publish the port.</summary>
public class PortConflictsTests
{
    private const string Engine = "driver failed programming external connectivity on endpoint demo-b-1 (abc): Bind for 127.0.0.1:18080 failed: port is already allocated";

    [Fact]
    public void The_message_names_the_other_services_that_publish_the_port()
    {
        var project = TestProjects.Load("services:\n  a: { image: x, ports: [\"127.0.0.1:18080:80\"] }\n  b: { image: x, ports: [\"127.0.0.1:18080:81\"] }\n  c: { image: x, ports: [\"18079-18081:90-92\"] }\n  d: { image: x, ports: [\"18082:80\"] }\n");
        PortConflicts.Explain(project, "b", Engine).Should().Be($"host port 18080 is also published by service \"a\", \"c\": {Engine}");
    }

    [Fact]
    public void Replicas_of_one_service_on_a_fixed_port_are_named_as_such()
    {
        var project = TestProjects.Load("services:\n  b: { image: x, scale: 2, ports: [\"18080:80\"] }\n");
        PortConflicts.Explain(project, "b", Engine).Should().StartWith("host port 18080 is published by each of the 2 replicas of service \"b\": ");
    }

    [Fact]
    public void Other_errors_and_ports_held_outside_the_project_keep_the_engine_message()
    {
        var project = TestProjects.Load("services:\n  b: { image: x, ports: [\"18080:80\"] }\n");
        PortConflicts.Explain(project, "b", Engine).Should().Be(Engine);
        PortConflicts.Explain(project, "b", "No such image: x").Should().Be("No such image: x");
    }
}
