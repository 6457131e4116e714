/* testutil — what every cmocka test file includes. */
#ifndef TRUCE_TESTUTIL_H
#define TRUCE_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#define assert_near(a, b, tol)                                                             \
    do {                                                                                   \
        double a_ = (a), b_ = (b), t_ = (tol);                                             \
        if (!(a_ - b_ <= t_ && b_ - a_ <= t_))                                             \
            fail_msg("%s = %.17g, %s = %.17g, differ by more than %g", #a, a_, #b, b_, t_); \
    } while (0)

#endif
