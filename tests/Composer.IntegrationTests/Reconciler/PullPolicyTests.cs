using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Reconciler;

/// <summary>
/// pull_policy at <c>up</c> on the real engine (no registry answers here): <c>always</c> asks the engine to pull a
/// present image and fails with its message; <c>missing</c> uses the present image without asking; <c>never</c>
/// with an absent image fails at create with the engine's "No such image", as in Compose.
/// </summary>
public class PullPolicyTests
{
    [Fact]
    public async Task Always_pulls_a_present_image_missing_does_not_and_never_does_not_pull_an_absent_one()
    {
        await using var project = await TestProject.CreateAsync("pullpol", """
            services:
              present:
                image: composer-busybox:1
                pull_policy: missing
                command: ["sleep", "2147483647"]
              fresh:
                image: composer-busybox:1
                pull_policy: every_520w
                command: ["sleep", "2147483647"]
              always:
                image: composer-busybox:1
                pull_policy: always
                command: ["sleep", "2147483647"]
              never:
                image: composer-absent-image:404
                pull_policy: never
            """);

        // every_520w: the image was tagged here within ten years, so it is fresh.
        var present = await project.RunOkAsync("up", "-d", "present", "fresh");
        present.Stderr.Should().NotContain("Pull", "a present image is not pulled under pull_policy: missing, nor a fresh one under every_…");

        var always = await project.RunAsync("up", "-d", "always");
        always.ExitCode.Should().Be(1, always.ToString());
        always.Stderr.Should().Contain("image \"composer-busybox:1\" could not be pulled")
            .And.Contain("registry-1.docker.io", "the engine's own reason is passed on");
        (await project.ContainersAsync()).Select(c => c.Names[0].TrimStart('/')).Should().NotContain(project.ContainerName("always"));

        var never = await project.RunAsync("up", "-d", "never");
        never.ExitCode.Should().Be(1, never.ToString());
        never.Stderr.Should().Contain("No such image: composer-absent-image:404").And.NotContain("could not be pulled");
    }

    [Fact]
    public async Task Pull_policy_build_builds_at_every_up_and_never_pulls()
    {
        await using var project = await TestProject.CreateAsync("pullbuild", """
            services:
              app:
                build: .
                pull_policy: build
                command: ["sleep", "2147483647"]
            """, new Dictionary<string, string> { ["Dockerfile"] = "FROM composer-busybox:1\nCOPY v.txt /v.txt\n", ["v.txt"] = "one" });
        var client = await Engine.ClientAsync();
        var built = new List<string>();
        try
        {
            (await project.RunOkAsync("up", "-d")).Stderr.Should().Contain($"Image {project.Name}-app  Built");
            built.Add((await client.Images.InspectImageAsync($"{project.Name}-app")).ID);
            File.WriteAllText(Path.Combine(project.Directory, "v.txt"), "two");
            var again = await project.RunOkAsync("up", "-d");
            built.Add((await client.Images.InspectImageAsync($"{project.Name}-app")).ID);
            again.Stderr.Should().Contain($"Image {project.Name}-app  Built", "the image is present, but pull_policy: build builds at every up").And.NotContain("Pull");
            (await project.ExecAsync("app", "cat", "/v.txt")).Output.Should().Be("two", "the rebuilt image's container replaced the old one");
        }
        finally
        {
            // Containers first, then both builds by id: the first one is untagged by the second.
            await project.RunAsync("down");
            foreach (var id in built) await Engine.RemoveImageAsync(id);
        }
    }
}
