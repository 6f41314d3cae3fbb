import datetime

from django.db.models import Avg, Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from aoc.models import Feedback, NewsItem, User


def district_staff_users():
    """Who is told when a school submits: district staff (and administrators), active."""
    return User.objects.filter(role__in=[User.Role.DISTRICT_STAFF, User.Role.ADMIN], is_active=True)


# --- News and announcements -----------------------------------------------------------------------


def published_news(*, category: str = ""):
    """What the public sees: published items, pinned first, newest first."""
    items = NewsItem.objects.filter(published_at__isnull=False, published_at__lte=timezone.now())
    if category in NewsItem.Category.values:
        items = items.filter(category=category)
    return items.order_by("-pinned", "-published_at", "-id")


def news_for_staff():
    """Every item, drafts first, for the district staff who write them."""
    return NewsItem.objects.select_related("author").order_by(
        F("published_at").desc(nulls_first=True), "-updated_at", "-id"
    )


# --- The satisfaction survey ----------------------------------------------------------------------


def feedback_list(*, month: datetime.date | None = None):
    answers = Feedback.objects.all()
    if month is not None:
        answers = answers.filter(created_at__year=month.year, created_at__month=month.month)
    return answers


def feedback_results(answers) -> dict:
    """Per aspect: the average and the number of answers giving each score (1–5); the total."""
    fields = [field for field, _label in Feedback.ASPECTS]
    aggregates = {f"{field}_avg": Avg(field) for field in fields}
    for field in fields:
        for score in range(1, 6):
            aggregates[f"{field}_{score}"] = Count("id", filter=Q(**{field: score}))
    values = answers.aggregate(total=Count("id"), **aggregates)
    total = values["total"]
    aspects = []
    for field, label in Feedback.ASPECTS:
        counts = [values[f"{field}_{score}"] for score in range(1, 6)]
        aspects.append(
            {
                "field": field,
                "label": label,
                "average": values[f"{field}_avg"],
                "distribution": [
                    {"score": score, "count": count, "percent": round(100 * count / total) if total else 0}
                    for score, count in zip(range(1, 6), counts, strict=True)
                ],
            }
        )
    return {"total": total, "aspects": aspects}


def feedback_by_month():
    """Per calendar month (newest first): how many answers, and the average of the overall score."""
    return (
        Feedback.objects.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(total=Count("id"), overall=Avg("overall"))
        .order_by("-month")
    )
