namespace Composer.Docker.Tests;

/// <summary>How the adapter splits an image reference into what the pull API takes (fromImage, tag).</summary>
public class ImageReferenceTests
{
    [Theory]
    [InlineData("busybox", "busybox", "latest")]
    [InlineData("busybox:1.36", "busybox", "1.36")]
    [InlineData("library/busybox", "library/busybox", "latest")]
    [InlineData("registry.local:5000/team/app", "registry.local:5000/team/app", "latest")]
    [InlineData("registry.local:5000/team/app:2", "registry.local:5000/team/app", "2")]
    [InlineData("app@sha256:0123abcd", "app", "sha256:0123abcd")]
    public void Repository_and_tag_or_digest(string image, string repository, string tag) =>
        DockerEngine.SplitImage(image).Should().Be((repository, tag));
}
