import { describeBasicExample } from '../../../test/support/basic-example-spec.js';
import { createApp } from '../app.js';

describeBasicExample('express-basic', () => createApp());
