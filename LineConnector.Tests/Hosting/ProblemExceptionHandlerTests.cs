using LineConnector.Core;
using LineConnector.Core.Channels;
using LineConnector.Core.Line.Api;
using LineConnector.Core.Storage;
using LineConnector.Functions.Hosting;
using Microsoft.AspNetCore.Http;

namespace LineConnector.Tests.Hosting;

/// <summary>The one mapping from exceptions to problem details, case by case.</summary>
public class ProblemExceptionHandlerTests
{
    [Theory]
    [InlineData(DomainError.Unauthorized, 401)]
    [InlineData(DomainError.Forbidden, 403)]
    [InlineData(DomainError.NotFound, 404)]
    [InlineData(DomainError.Conflict, 409)]
    [InlineData(DomainError.PreconditionFailed, 412)]
    [InlineData(DomainError.Unprocessable, 422)]
    [InlineData(DomainError.PreconditionRequired, 428)]
    [InlineData(DomainError.Misconfigured, 500)]
    public void A_domain_refusal_answers_by_its_kind_with_its_message(DomainError error, int status)
    {
        var answer = ProblemExceptionHandler.Answer(new DomainException(error, "what is wrong and how to fix it"), HttpMethods.Post)!;

        answer.Details.Status.Should().Be(status);
        answer.Details.Detail.Should().Be("what is wrong and how to fix it");
        answer.Details.Title.Should().NotBeNullOrEmpty();
        answer.RetryAfter.Should().BeNull();
    }

    [Fact]
    public void Invalid_input_names_each_field_with_every_rule_it_breaks()
    {
        var answer = ProblemExceptionHandler.Answer(
            DomainException.Invalid([new("staff.id", "1 to 64 characters"), new("messages", "1 to 50 objects"), new("staff.id", "no spaces")], "The reply is not valid"),
            HttpMethods.Post)!;

        var details = answer.Details.Should().BeOfType<HttpValidationProblemDetails>().Subject;
        details.Status.Should().Be(400);
        details.Title.Should().Be("The reply is not valid");
        details.Errors.Should().BeEquivalentTo(new Dictionary<string, string[]> { ["staff.id"] = ["1 to 64 characters", "no spaces"], ["messages"] = ["1 to 50 objects"] });
    }

    [Fact]
    public void LINE_failing_for_now_is_a_503_to_retry_on_a_download_and_a_502_otherwise()
    {
        var busy = new LineApiException("message content", LineErrorKind.ServerError, 500, "Internal error", [], "req-1", 1) { RetryAfter = TimeSpan.FromSeconds(3) };
        var refused = new LineApiException("bot info", LineErrorKind.ClientError, 400, "Bad request", [], "req-2", 1);

        var download = ProblemExceptionHandler.Answer(busy, HttpMethods.Get)!;
        var create = ProblemExceptionHandler.Answer(busy, HttpMethods.Post)!;
        var refusal = ProblemExceptionHandler.Answer(refused, HttpMethods.Get)!;

        (download.Details.Status, download.RetryAfter).Should().Be((503, TimeSpan.FromSeconds(3)));
        download.Details.Detail.Should().Contain("req-1");
        (create.Details.Status, create.RetryAfter).Should().Be((502, (TimeSpan?)null));
        refusal.Details.Status.Should().Be(502);
    }

    [Fact]
    public void Stores_failing_for_now_are_503_with_retry_after()
    {
        var busy = ProblemExceptionHandler.Answer(TableFailure.Create("get", "Enquiries", "shop", "e1", 503, null), HttpMethods.Get)!;
        var raced = ProblemExceptionHandler.Answer(TableFailure.Create("replace", "Enquiries", "shop", "e1", 412, TableErrorCodes.UpdateConditionNotSatisfied), HttpMethods.Post)!;
        var refused = ProblemExceptionHandler.Answer(TableFailure.Create("insert", "Enquiries", "shop", "e1", 400, TableErrorCodes.InvalidInput, "bad key"), HttpMethods.Post)!;
        var vault = ProblemExceptionHandler.Answer(new SecretStoreException("Key Vault could not be reached", 0), HttpMethods.Get)!;

        busy.Details.Status.Should().Be(503);
        busy.RetryAfter.Should().Be(ProblemExceptionHandler.DefaultRetryAfter);
        raced.Details.Status.Should().Be(503, "a concurrent change that outlasted the retries is worth trying again");
        refused.Details.Status.Should().Be(500);
        vault.Details.Status.Should().Be(503);
    }

    [Fact]
    public void An_exception_the_mapping_does_not_know_is_left_to_the_framework()
    {
        ProblemExceptionHandler.Answer(new InvalidOperationException("a bug"), HttpMethods.Get).Should().BeNull();
    }
}
