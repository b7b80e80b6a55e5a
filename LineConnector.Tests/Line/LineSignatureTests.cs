using System.Text;
using LineConnector.Core.Line;

namespace LineConnector.Tests.Line;

public class LineSignatureTests
{
    // Vectors from LINE's official SDKs' signature tests.
    [Theory]
    [InlineData("test_secret", "{\"hello\":\"world\"}", "t7Hn4ZDHqs6e+wdvI5TyQIvzie0DmMUmuXEBqyyE/tM=")]
    [InlineData("channel_secret", "bodybodybodybody", "/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k=")]
    [InlineData("SECRET", "{}", "3q8QXTAGaey18yL8FWTqdVlbMr6hcuNvM4tefa0o9nA=")]
    public void Line_vectors_compute_and_verify(string secret, string body, string signature)
    {
        var bytes = Encoding.UTF8.GetBytes(body);

        LineSignature.Compute(bytes, secret).Should().Be(signature);
        LineSignature.IsValid(bytes, signature, secret).Should().BeTrue();
    }

    [Theory]
    [InlineData("t7Hn4ZDHqs6e+wdvi5TyQivzie0DmMUmuXEBqyyE/tM=")] // LINE's "wrong" vector: two letters' case changed
    [InlineData("")]
    [InlineData(null)]
    [InlineData("not base64 at all!")]
    [InlineData("t7Hn4ZDHqs6e+wdvI5TyQIvzie0DmMUmuXEBqyyE")] // truncated
    [InlineData("t7Hn4ZDHqs6e+wdvI5TyQIvzie0DmMUmuXEBqyyE/tM=t7Hn4ZDHqs6e+wdvI5TyQIvzie0DmMUmuXEBqyyE/tM=")]
    public void Anything_but_the_exact_signature_is_refused(string? signature)
    {
        LineSignature.IsValid("{\"hello\":\"world\"}"u8, signature, "test_secret").Should().BeFalse();
    }

    [Fact]
    public void Signature_is_over_the_bytes_as_sent_not_a_reserialized_body()
    {
        // LINE sends some characters as \uXXXX escapes; the same text with the raw character is a different body.
        var escaped = Encoding.UTF8.GetBytes("{\"text\":\"\\u3053\\u3093\\u306b\\u3061\\u306f \\ud83d\\ude00\"}");
        var raw = Encoding.UTF8.GetBytes("{\"text\":\"こんにちは 😀\"}");
        var signature = LineSignature.Compute(escaped, "secret");

        LineSignature.IsValid(escaped, signature, "secret").Should().BeTrue();
        LineSignature.IsValid(raw, signature, "secret").Should().BeFalse();
        LineSignature.IsValid(raw, LineSignature.Compute(raw, "secret"), "secret").Should().BeTrue();
    }

    [Fact]
    public void Another_secret_does_not_verify()
    {
        var body = "{\"hello\":\"world\"}"u8;
        LineSignature.IsValid(body, LineSignature.Compute(body, "test_secret"), "test_secret2").Should().BeFalse();
    }
}
